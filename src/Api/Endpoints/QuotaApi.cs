namespace SecretsStore.Api.Endpoints;

public static class QuotaApi
{
    public static RouteGroupBuilder MapQuotaApi(this RouteGroupBuilder account)
    {
        account.MapGet("/quota", GetQuota)
            .WithName("GetQuota")
            .WithSummary("The account's secret and store quota and usage.");
        return account;
    }

    public static async Task<Answer<QuotaDto>> GetQuota([AsParameters] AccountRoute route, IGrainFactory grains)
    {
        var quota = await grains.AccountGrain(route.Call.AccountId).GetQuotaAsync();
        return ApiResults.Ok(QuotaDto.From(quota));
    }
}
