using Orleans.Storage;

namespace Ticketing.Grains;

internal static class StateWrites
{
    /// <summary>
    /// Writes grain state. A stale write means another activation wrote this grain meanwhile (possible for a
    /// moment while silos join or leave): this activation's memory is out of date, so it never overwrites; it
    /// drops itself (<paramref name="deactivate"/>) to reload on the next call, and the caller's request fails.
    /// </summary>
    public static async Task WriteOrReloadAsync<T>(this IPersistentState<T> state, Action deactivate)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            deactivate();
            throw;
        }
    }
}
