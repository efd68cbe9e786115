namespace SecretsStore.Grains.Rules;

/// <summary>Timestamps are kept at the microsecond precision the wire shows, so a stored value equals what was returned.</summary>
public static class Timestamps
{
    public static DateTime Now(TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % 10), DateTimeKind.Utc);
    }
}
