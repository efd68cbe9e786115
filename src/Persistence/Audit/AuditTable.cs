
namespace SecretsStore.Persistence.Audit;

/// <summary>
/// How records go into the <c>audit_log</c> table (migrations 0007, 0010, 0011 and 0014). The grains append them inside each commit and the
/// gateway inside its own transactions, so both use this one statement: its parameters are arrays, one element per
/// record, and any number of records costs one statement.
/// </summary>
public static class AuditTable
{
    public const string Insert = """
        INSERT INTO audit_log (at, account_id, principal, action, status, code, error, store_id, store_name, secret_id, secret_name, request_id, source_secret_id, subject,
                               addressed_account_id, idempotency_key, idempotency_request, method, uri, value_modified)
        SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::text[], $5::integer[], $6::integer[], $7::text[],
                             $8::uuid[], $9::text[], $10::uuid[], $11::text[], $12::text[], $13::uuid[], $14::text[], $15::uuid[],
                             $16::bytea[], $17::bytea[], $18::text[], $19::text[], $20::boolean[])
        """;

    /// <summary>The values of <see cref="Insert"/>'s parameters, in order.</summary>
    public static object[] Parameters(IReadOnlyCollection<AuditRecord> records) =>
    [
        records.Select(r => r.At).ToArray(),
        records.Select(r => r.AccountId).ToArray(),
        records.Select(r => r.Principal).ToArray(),
        records.Select(r => r.Action).ToArray(),
        records.Select(r => r.Status).ToArray(),
        records.Select(r => r.Code).ToArray(),
        records.Select(r => r.Error).ToArray(),
        records.Select(r => r.StoreId).ToArray(),
        records.Select(r => r.StoreName).ToArray(),
        records.Select(r => r.SecretId).ToArray(),
        records.Select(r => r.SecretName).ToArray(),
        records.Select(r => r.RequestId).ToArray(),
        records.Select(r => r.SourceSecretId).ToArray(),
        records.Select(r => r.Subject).ToArray(),
        records.Select(r => r.AddressedAccountId).ToArray(),
        records.Select(r => r.Idempotency?.KeyHash).ToArray(),
        records.Select(r => r.Idempotency?.RequestHash).ToArray(),
        records.Select(r => r.Method).ToArray(),
        records.Select(r => r.Uri).ToArray(),
        records.Select(r => r.ValueModified ? true : (bool?)null).ToArray(),
    ];
}
