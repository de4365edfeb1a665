namespace Ticketing.Grains;

internal static class StateWrites
{
    /// <summary>
    /// Writes grain state. When the write fails, this activation's memory can no longer be trusted: a stale write
    /// means another activation wrote this grain meanwhile (possible for a moment while silos join or leave), and any
    /// other failure (the database away, a lost answer) leaves it unknown whether the write landed. Either way the
    /// activation never answers from that memory again: it drops itself (<paramref name="deactivate"/>) to reload from
    /// storage on the next call, and the caller's request fails.
    /// </summary>
    public static async Task WriteOrReloadAsync<T>(this IPersistentState<T> state, Action deactivate)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            deactivate();
            throw;
        }
    }
}
