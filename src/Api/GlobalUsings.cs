global using Microsoft.AspNetCore.Builder;
global using Microsoft.AspNetCore.Http;
global using Microsoft.AspNetCore.Routing;
global using SecretsStore.Api.Access;
global using SecretsStore.Api.Bodies;
global using SecretsStore.Api.Dtos;
global using SecretsStore.Api.Wire;
global using SecretsStore.Grains.Abstractions;
