using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.UnitTests.Audit;

/// <summary>
/// <see cref="AuditRecord.Of"/>, the one factory of the trail's records: what a record keeps of a refusal, and whose
/// trail a record of a principal foreign to the addressed account goes to.
/// </summary>
public sealed class AuditRecordTests
{
    private static readonly DateTime At = new(2026, 1, 31, 9, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Addressed = Guid.NewGuid();

    [Fact]
    public void ARefusalKeepsItsStatusCodeAndErrorTokenButNeverTheDetail()
    {
        var caller = Caller.Account(Permission.Write, "token:t1");
        var record = AuditRecord.Of(At, Addressed, caller, "r1", AuditActions.SecretCreate, Errors.SecretNameAlreadyExists("QUOTED_FROM_THE_REQUEST", "/0/name"));

        Assert.Equal((409, 1003, "secret_name_already_exists"), (record.Status, record.Code, record.Error));
        Assert.DoesNotContain("QUOTED_FROM_THE_REQUEST", record.ToString(), StringComparison.Ordinal);
        Assert.Equal(("token:t1", "r1", Addressed, (Guid?)null), (record.Principal, record.RequestId, record.AccountId, record.AddressedAccountId));
        Assert.False(record.IsAllowed);
    }

    [Fact]
    public void AnAllowedRecordCarriesTheAllowedStatusAndNoError()
    {
        var record = AuditRecord.Of(At, Addressed, Caller.Operator, "r2", AuditActions.SecretDelete, null, allowedStatus: 202, storeId: Addressed, storeName: "s");

        Assert.Equal((202, (int?)null, (string?)null, true), (record.Status, record.Code, record.Error, record.IsAllowed));
        Assert.Equal((Addressed, "s", Addressed, (Guid?)null), (record.StoreId, record.StoreName, record.AccountId, record.AddressedAccountId));
    }

    [Fact]
    public void AServiceNotGrantedTheAccountIsRecordedInTheOperatorsTrailOnlyNamingTheAccount()
    {
        var stranger = Caller.Service("billing", ["workers"], AccountGrants.Only(Guid.NewGuid()));
        var refused = AuditRecord.Of(At, Addressed, stranger, "r3", AuditActions.SecretReadValue, Errors.AccountNotFound());

        Assert.Equal(((Guid?)null, (Guid?)Addressed), (refused.AccountId, refused.AddressedAccountId));

        var granted = Caller.Service("billing", ["workers"], AccountGrants.Only(Addressed));
        Assert.Equal(Addressed, AuditRecord.Of(At, Addressed, granted, "r4", AuditActions.SecretReadValue, Errors.SecretNotFound()).AccountId);
    }

    [Fact]
    public void APrincipalTheGatewayKnowsForeignIsRecordedInTheOperatorsTrailOnly()
    {
        // Another account's token: its caller acts in any account it is given, so only the gateway can tell.
        var other = Caller.Account(Permission.Write, "token:elsewhere");
        var record = AuditRecord.Of(At, Addressed, other, "r5", AuditActions.StoreCreate, Errors.Forbidden("a token of another account"), foreign: true);

        Assert.Equal(((Guid?)null, (Guid?)Addressed), (record.AccountId, record.AddressedAccountId));
    }

    [Fact]
    public void ARecordKeepsItsRequestsMethodAndUriAsTheSameStringsAndOneOfNoRequestHasNeither()
    {
        var caller = Caller.Account(Permission.Write, "token:t1");
        var uri = $"/client/v4/accounts/{Addressed:N}/secrets_store/stores";
        var request = new AuditedRequest("r7", 1, caller.PrincipalId, Addressed, AuditActions.StoreCreate, At, "POST", uri);

        var record = AuditRecord.Of(At, Addressed, caller, request.RequestId, request.Action, null, request: request);
        Assert.Equal(("POST", uri, false), (record.Method, record.Uri, record.ValueModified));
        Assert.Same(uri, record.Uri);

        var untracked = AuditRecord.Of(At, Addressed, caller, "", AuditActions.StoreCreate, null);
        Assert.Equal(((string?)null, (string?)null), (untracked.Method, untracked.Uri));
    }

    [Fact]
    public void AnOperatorChangeOfNoAccountBelongsToNoAccountAndAddressesNone()
    {
        var record = AuditRecord.Of(At, null, Caller.Operator, "r6", AuditActions.MasterKeyRotate, null).WithSubject("master_key:abc");

        Assert.Equal(((Guid?)null, (Guid?)null, "master_key:abc"), (record.AccountId, record.AddressedAccountId, record.Subject));
    }
}
