namespace SecretsStore.Api.Dtos;

/// <summary>What <c>/healthz</c> and <c>/readyz</c> answer: the status, and for readiness what each check said.</summary>
public sealed record Health(string Status, string? Storage = null, string? Cluster = null);
