using Orleans.Runtime;
using SecretsStore.Grains.Crypto;
using SecretsStore.Persistence.Keys;

namespace SecretsStore.Grains.Keys;

/// <summary>
/// This silo as the master-key tables record it: its name in Orleans' membership table and the keys its ring holds
/// now (a development run's rotation may just have added one).
/// </summary>
public sealed class SiloKeyHolder(ILocalSiloDetails silo, MasterKeyRing ring)
{
    public SiloKeys Current() => new(
        silo.ClusterId, silo.SiloAddress.Endpoint.Address.ToString(), silo.SiloAddress.Endpoint.Port, silo.SiloAddress.Generation,
        ring.Ids.ToArray());
}
