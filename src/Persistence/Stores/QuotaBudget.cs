namespace SecretsStore.Persistence.Stores;

/// <summary>
/// The room one account has for new secrets inside one commit transaction, which holds the account's quota row
/// locked: every store of the account committed in that transaction takes from and gives back to the same budget,
/// in order, so the limit holds exactly however many stores write at once.
/// </summary>
public sealed class QuotaBudget(int used, int limit)
{
    private int _delta;

    /// <summary>For planning before the limit is known; the commit's limit guard then checks the total.</summary>
    public static QuotaBudget Unlimited() => new(0, int.MaxValue);

    /// <summary>How much the account's usage changes if the transaction commits.</summary>
    public int Delta => _delta;

    public int Limit => limit;

    /// <summary>The account's usage as the transaction has it so far.</summary>
    public long Used => (long)used + _delta;

    public bool TryTake(int count)
    {
        if ((long)used + _delta + count > limit)
        {
            return false;
        }

        _delta += count;
        return true;
    }

    public void Give(int count) => _delta -= count;
}
