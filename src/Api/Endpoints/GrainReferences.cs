using System.Runtime.CompilerServices;

namespace SecretsStore.Api.Endpoints;

/// <summary>
/// References to the grains a request calls. <see cref="IGrainFactory.GetGrain{TGrainInterface}(Guid, string?)"/>
/// works out the grain interface type and the grain type from the interface's attributes and name on every call
/// (custom-attribute reflection and type-name formatting: a tenth of the CPU of a GET), although the answer never
/// changes for a factory. Here it is worked out once per factory and interface; the reference is then made from
/// the grain id, exactly as the factory makes it.
/// </summary>
public static class GrainReferences
{
    private static readonly ConditionalWeakTable<IGrainFactory, Targets> Resolved = new();

    public static IStoreGrain StoreGrain(this IGrainFactory grains, Guid storeId) =>
        For(grains).Store.Reference<IStoreGrain>(grains, storeId);

    public static IAccountGrain AccountGrain(this IGrainFactory grains, Guid accountId) =>
        For(grains).Account.Reference<IAccountGrain>(grains, accountId);

    /// <summary>
    /// The factory last asked for: a process has one, and this spares the table look-up on every call. (It keeps
    /// that factory alive until another is asked for, which only test hosts do.)
    /// </summary>
    private static Targets? _last;

    private static Targets For(IGrainFactory grains)
    {
        var last = _last;
        if (last is not null && ReferenceEquals(last.Factory, grains))
        {
            return last;
        }

        return _last = Resolved.GetValue(grains, static g => new Targets(
            g, Target.Of(g.GetGrain<IStoreGrain>(Guid.Empty)), Target.Of(g.GetGrain<IAccountGrain>(Guid.Empty))));
    }

    private sealed record Targets(IGrainFactory Factory, Target Store, Target Account);

    private sealed record Target(GrainType GrainType, GrainInterfaceType InterfaceType)
    {
        public T Reference<T>(IGrainFactory grains, Guid key) =>
            (T)grains.GetGrain(GrainId.Create(GrainType, GrainIdKeyExtensions.CreateGuidKey(key)), InterfaceType);

        public static Target Of(IAddressable reference) =>
            reference is GrainReference grain ? new Target(grain.GrainId.Type, grain.InterfaceType)
                : throw new InvalidOperationException($"{reference.GetType()} is not a grain reference");
    }
}
