namespace SecretsStore.Api.Wire;

/// <summary>
/// An answer type a refusal converts into, for code that answers refusals on behalf of any handler (body reading,
/// outcome mapping) and must hand back the handler's own answer type.
/// </summary>
public interface IEnvelopeAnswer<TSelf> where TSelf : EnvelopeResult, IEnvelopeAnswer<TSelf>
{
    static abstract TSelf Refuse(StoreError refusal);
}
