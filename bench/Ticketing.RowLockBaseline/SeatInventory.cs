using Npgsql;
using NpgsqlTypes;

namespace Ticketing.RowLockBaseline;

/// <summary>A booking as stored; <see cref="BookingMapper"/> turns it into the API's shape.</summary>
public sealed record BookingRow(
    Guid Id,
    Guid EventId,
    string Email,
    BookingStatus Status,
    string? Section,
    int Quantity,
    IReadOnlyList<SeatKey> Seats,
    DateTimeOffset ExpiresAt,
    decimal Total,
    string Currency,
    DateTimeOffset CreatedAt,
    string? PaymentId = null,
    DateTimeOffset? PaidAt = null,
    string? RefundId = null,
    DateTimeOffset? RefundedAt = null,
    string? Reason = null,
    IReadOnlyList<Guid>? TicketIds = null,
    IReadOnlyList<string>? TicketCodes = null);

public enum HoldError
{
    None,
    NotOnSale,
    SeatsUnavailable,
}

public sealed record HoldOutcome(HoldError Error, BookingRow? Booking, IReadOnlyList<string> UnavailableSeats, string? Message);

public enum PaymentError
{
    None,
    NotFound,
    NotPayable,
    Declined,
}

public sealed record PaymentOutcome(PaymentError Error, BookingRow? Booking, string? Message);

/// <summary>
/// Seats as rows in PostgreSQL. Every request is one transaction; the hold paths are one statement each (one round
/// trip, autocommit): lock the candidate seats, update them only if all of them could be locked, and insert the
/// booking from the updated rows. Expiry is the comparison <c>held_until &lt;= now</c>, so no sweeper is needed.
/// </summary>
public sealed class SeatInventory(NpgsqlDataSource dataSource)
{
    // $1 event, $2 section, $3 quantity, $4 booking, $5 now, $6 held until, $7 email, $8 total, $9 currency.
    // Front rows first, SKIP LOCKED: concurrent buyers in one section take different seats instead of queueing.
    private const string HoldBestAvailableSql = """
        WITH on_sale AS (
            SELECT 1 FROM events WHERE id = $1 AND status = 'OnSale'),
        candidates AS MATERIALIZED (
            SELECT s.section, s.row, s.number FROM seats s
            WHERE s.event_id = $1 AND s.section = $2 AND (s.status = 0 OR (s.status = 1 AND s.held_until <= $5))
              AND EXISTS (SELECT 1 FROM on_sale)
            ORDER BY s.row, s.number
            LIMIT $3
            FOR UPDATE OF s SKIP LOCKED),
        held AS (
            UPDATE seats s SET status = 1, booking_id = $4, held_until = $6
            FROM candidates c
            WHERE (SELECT count(*) FROM candidates) = $3
              AND s.event_id = $1 AND s.section = c.section AND s.row = c.row AND s.number = c.number
            RETURNING s.section, s.row, s.number),
        booked AS (
            INSERT INTO bookings (id, event_id, email, status, section, quantity, seat_sections, seat_rows, seat_numbers,
                                  expires_at, total, currency, created_at)
            SELECT $4, $1, $7, 'Held', $2, $3, array_agg(section ORDER BY row, number), array_agg(row ORDER BY row, number),
                   array_agg(number ORDER BY row, number), $6, $8, $9, $5
            FROM held HAVING count(*) = $3
            RETURNING 1)
        SELECT (SELECT count(*) FROM on_sale)::int, (SELECT count(*) FROM booked)::int,
               array_agg(section ORDER BY row, number), array_agg(row ORDER BY row, number), array_agg(number ORDER BY row, number)
        FROM candidates
        """;

    // $1 event, $2 sections, $3 rows, $4 numbers, $5 booking, $6 now, $7 held until, $8 email, $9 total,
    // $10 currency, $11 booking's section. Waits for seats another request has locked (it may release them), and
    // locks in seat order so that two multi-seat holds cannot deadlock.
    private const string HoldSeatsSql = """
        WITH on_sale AS (
            SELECT 1 FROM events WHERE id = $1 AND status = 'OnSale'),
        candidates AS MATERIALIZED (
            SELECT s.section, s.row, s.number FROM seats s
            JOIN unnest($2::text[], $3::int[], $4::int[]) AS asked (section, row, number)
              ON s.section = asked.section AND s.row = asked.row AND s.number = asked.number
            WHERE s.event_id = $1 AND (s.status = 0 OR (s.status = 1 AND s.held_until <= $6))
              AND EXISTS (SELECT 1 FROM on_sale)
            ORDER BY s.section, s.row, s.number
            FOR UPDATE OF s),
        held AS (
            UPDATE seats s SET status = 1, booking_id = $5, held_until = $7
            FROM candidates c
            WHERE (SELECT count(*) FROM candidates) = cardinality($2::text[])
              AND s.event_id = $1 AND s.section = c.section AND s.row = c.row AND s.number = c.number
            RETURNING s.section, s.row, s.number),
        booked AS (
            INSERT INTO bookings (id, event_id, email, status, section, quantity, seat_sections, seat_rows, seat_numbers,
                                  expires_at, total, currency, created_at)
            SELECT $5, $1, $8, 'Held', $11, count(*), array_agg(section ORDER BY section, row, number),
                   array_agg(row ORDER BY section, row, number), array_agg(number ORDER BY section, row, number), $7, $9, $10, $6
            FROM held HAVING count(*) = cardinality($2::text[])
            RETURNING 1)
        SELECT (SELECT count(*) FROM on_sale)::int, (SELECT count(*) FROM booked)::int,
               array_agg(section ORDER BY section, row, number), array_agg(row ORDER BY section, row, number),
               array_agg(number ORDER BY section, row, number)
        FROM candidates
        """;

    // $1 booking, $2 now. Frees the seats still held by this booking (after an expiry they may belong to another).
    private const string ReleaseSql = """
        WITH booking AS (
            SELECT 1 FROM bookings WHERE id = $1),
        released AS (
            UPDATE bookings SET status = CASE WHEN expires_at > $2 THEN 'Released' ELSE 'Expired' END
            WHERE id = $1 AND status = 'Held'
            RETURNING event_id, seat_sections, seat_rows, seat_numbers),
        freed AS (
            UPDATE seats s SET status = 0, booking_id = NULL, held_until = NULL
            FROM released r, unnest(r.seat_sections, r.seat_rows, r.seat_numbers) AS mine (section, row, number)
            WHERE s.event_id = r.event_id AND s.section = mine.section AND s.row = mine.row AND s.number = mine.number
              AND s.booking_id = $1 AND s.status = 1
            RETURNING 1)
        SELECT (SELECT count(*) FROM booking)::int, (SELECT count(*) FROM freed)::int
        """;

    private const string BookingColumns = """
        id, event_id, email, status, section, quantity, seat_sections, seat_rows, seat_numbers, expires_at, total, currency,
        created_at, payment_id, paid_at, refund_id, refunded_at, reason, ticket_ids, ticket_codes
        """;

    public async Task CreateEventAsync(EventDefinition definition)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var insert = new NpgsqlCommand("""
                INSERT INTO events (id, name, description, venue, starts_at, currency, hold_seconds, status, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'Draft', $8)
                """, connection, transaction))
            {
                insert.Parameters.Add(new() { Value = definition.Id });
                insert.Parameters.Add(new() { Value = definition.Name });
                insert.Parameters.Add(new() { Value = (object?)definition.Description ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                insert.Parameters.Add(new() { Value = definition.Venue });
                insert.Parameters.Add(new() { Value = definition.StartsAt });
                insert.Parameters.Add(new() { Value = definition.Currency });
                insert.Parameters.Add(new() { Value = definition.HoldSeconds });
                insert.Parameters.Add(new() { Value = definition.CreatedAt });
                await insert.ExecuteNonQueryAsync();
            }

            await using (var sections = await connection.BeginBinaryImportAsync(
                "COPY sections (event_id, id, position, name, kind, rows, seats_per_row, capacity, price) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < definition.Sections.Count; i++)
                {
                    var s = definition.Sections[i];
                    await sections.StartRowAsync();
                    await sections.WriteAsync(definition.Id, NpgsqlDbType.Uuid);
                    await sections.WriteAsync(s.Id, NpgsqlDbType.Text);
                    await sections.WriteAsync(i, NpgsqlDbType.Integer);
                    await sections.WriteAsync(s.Name, NpgsqlDbType.Text);
                    await sections.WriteAsync(s.Kind.ToString(), NpgsqlDbType.Text);
                    await sections.WriteAsync(s.Rows, NpgsqlDbType.Integer);
                    await sections.WriteAsync(s.SeatsPerRow, NpgsqlDbType.Integer);
                    await sections.WriteAsync(s.Capacity, NpgsqlDbType.Integer);
                    await sections.WriteAsync(s.Price, NpgsqlDbType.Numeric);
                }

                await sections.CompleteAsync();
            }

            await using (var seats = await connection.BeginBinaryImportAsync("COPY seats (event_id, section, row, number) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var s in definition.Sections)
                {
                    foreach (var (row, number) in Places(s))
                    {
                        await seats.StartRowAsync();
                        await seats.WriteAsync(definition.Id, NpgsqlDbType.Uuid);
                        await seats.WriteAsync(s.Id, NpgsqlDbType.Text);
                        await seats.WriteAsync(row, NpgsqlDbType.Integer);
                        await seats.WriteAsync(number, NpgsqlDbType.Integer);
                    }
                }

                await seats.CompleteAsync();
            }

            await transaction.CommitAsync();
        }

        // Fresh statistics, so the planner sees the new rows (it would otherwise assume far fewer).
        await using var analyze = new NpgsqlCommand("ANALYZE events, sections, seats", connection);
        await analyze.ExecuteNonQueryAsync();
    }

    private static IEnumerable<(int Row, int Number)> Places(SectionDefinition section)
    {
        if (section.Kind == SectionKind.GeneralAdmission)
        {
            for (var place = 1; place <= section.Capacity; place++)
            {
                yield return (0, place);
            }

            yield break;
        }

        for (var row = 1; row <= section.Rows; row++)
        {
            for (var number = 1; number <= section.SeatsPerRow; number++)
            {
                yield return (row, number);
            }
        }
    }

    public async Task<EventDefinition?> GetDefinitionAsync(Guid eventId)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT e.name, e.description, e.venue, e.starts_at, e.currency, e.hold_seconds, e.created_at,
                   s.id, s.name, s.kind, s.rows, s.seats_per_row, s.capacity, s.price
            FROM events e JOIN sections s ON s.event_id = e.id
            WHERE e.id = $1 ORDER BY s.position
            """);
        command.Parameters.Add(new() { Value = eventId });
        await using var reader = await command.ExecuteReaderAsync();
        EventDefinition? definition = null;
        var sections = new List<SectionDefinition>();
        while (await reader.ReadAsync())
        {
            definition ??= new EventDefinition(eventId, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4), reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6), sections);
            sections.Add(new SectionDefinition(reader.GetString(7), reader.GetString(8), Enum.Parse<SectionKind>(reader.GetString(9)),
                reader.GetInt32(10), reader.GetInt32(11), reader.GetInt32(12), reader.GetDecimal(13)));
        }

        return definition;
    }

    public async Task<EventStatus?> GetStatusAsync(Guid eventId)
    {
        await using var command = dataSource.CreateCommand("SELECT status FROM events WHERE id = $1");
        command.Parameters.Add(new() { Value = eventId });
        return await command.ExecuteScalarAsync() is string status ? Enum.Parse<EventStatus>(status) : null;
    }

    /// <summary>Moves the event to <paramref name="to"/> if it is in one of <paramref name="from"/>; returns its status afterwards.</summary>
    public async Task<EventStatus?> ChangeStatusAsync(Guid eventId, EventStatus[] from, EventStatus to)
    {
        await using var command = dataSource.CreateCommand("""
            WITH changed AS (UPDATE events SET status = $3 WHERE id = $1 AND status = ANY ($2) RETURNING status)
            SELECT status FROM changed UNION ALL SELECT status FROM events WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM changed)
            """);
        command.Parameters.Add(new() { Value = eventId });
        command.Parameters.Add(new() { Value = from.Select(s => s.ToString()).ToArray() });
        command.Parameters.Add(new() { Value = to.ToString() });
        return await command.ExecuteScalarAsync() is string status ? Enum.Parse<EventStatus>(status) : null;
    }

    public async Task<Dictionary<string, AvailabilityResponse>> GetAvailabilityAsync(Guid eventId, DateTimeOffset now)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT section, count(*)::int,
                   count(*) FILTER (WHERE status = 1 AND held_until > $2)::int,
                   count(*) FILTER (WHERE status = 2)::int
            FROM seats WHERE event_id = $1 GROUP BY section
            """);
        command.Parameters.Add(new() { Value = eventId });
        command.Parameters.Add(new() { Value = now });
        await using var reader = await command.ExecuteReaderAsync();
        var result = new Dictionary<string, AvailabilityResponse>();
        while (await reader.ReadAsync())
        {
            int capacity = reader.GetInt32(1), held = reader.GetInt32(2), sold = reader.GetInt32(3);
            result[reader.GetString(0)] = new AvailabilityResponse(capacity, capacity - held - sold, held, sold);
        }

        return result;
    }

    public async Task<List<SeatResponse>> GetSeatMapAsync(Guid eventId, string section, DateTimeOffset now)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT row, number, CASE WHEN status = 1 AND held_until <= $3 THEN 0 ELSE status END
            FROM seats WHERE event_id = $1 AND section = $2 ORDER BY row, number
            """);
        command.Parameters.Add(new() { Value = eventId });
        command.Parameters.Add(new() { Value = section });
        command.Parameters.Add(new() { Value = now });
        await using var reader = await command.ExecuteReaderAsync();
        var seats = new List<SeatResponse>();
        while (await reader.ReadAsync())
        {
            int row = reader.GetInt32(0), number = reader.GetInt32(1);
            seats.Add(new SeatResponse($"{section}-{row}-{number}", row, number, (SeatStatus)reader.GetInt16(2)));
        }

        return seats;
    }

    public Task<HoldOutcome> HoldAsync(EventDefinition definition, HoldRequest request, Guid bookingId, DateTimeOffset now) =>
        Retrying.OnTransientAsync(() => HoldOnceAsync(definition, request, bookingId, now));

    private async Task<HoldOutcome> HoldOnceAsync(EventDefinition definition, HoldRequest request, Guid bookingId, DateTimeOffset now)
    {
        var heldUntil = now.AddSeconds(definition.HoldSeconds);
        await using var command = request.BestAvailableSection is { } section
            ? BestAvailableCommand(definition, request, section, bookingId, now, heldUntil)
            : SeatsCommand(definition, request, bookingId, now, heldUntil);
        bool onSale, booked;
        List<SeatKey> candidates = [];
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            onSale = reader.GetInt32(0) == 1;
            booked = reader.GetInt32(1) == 1;
            if (!reader.IsDBNull(2))
            {
                var sections = reader.GetFieldValue<string[]>(2);
                var rows = reader.GetFieldValue<int[]>(3);
                var numbers = reader.GetFieldValue<int[]>(4);
                for (var i = 0; i < sections.Length; i++)
                {
                    candidates.Add(new SeatKey(sections[i], rows[i], numbers[i]));
                }
            }
        }

        if (!onSale)
        {
            var status = await GetStatusAsync(definition.Id);
            return new HoldOutcome(HoldError.NotOnSale, null, [], $"The event is {status}: bookings are only taken while it is OnSale.");
        }

        if (booked)
        {
            return new HoldOutcome(HoldError.None, new BookingRow(bookingId, definition.Id, request.Email, BookingStatus.Held, request.Section,
                request.Quantity, candidates, heldUntil, request.Total, definition.Currency, now), [], null);
        }

        if (request.BestAvailableSection is { } wanted)
        {
            var free = await CountFreeAsync(definition.Id, wanted.Id, now);
            return new HoldOutcome(HoldError.SeatsUnavailable, null, [],
                $"Not enough seats in section {wanted.Id}: {request.Quantity} asked, {free} free.");
        }

        var available = candidates.Select(c => c.ToString()).ToHashSet();
        var unavailable = request.Seats.Select(s => s.ToString()).Where(s => !available.Contains(s)).ToList();
        return new HoldOutcome(HoldError.SeatsUnavailable, null, unavailable, $"Seats not available: {string.Join(", ", unavailable)}.");
    }

    private NpgsqlCommand BestAvailableCommand(EventDefinition definition, HoldRequest request, SectionDefinition section, Guid bookingId,
        DateTimeOffset now, DateTimeOffset heldUntil)
    {
        var command = dataSource.CreateCommand(HoldBestAvailableSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = definition.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = section.Id });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = request.Quantity });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = bookingId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = heldUntil });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Email });
        command.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = request.Total });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.Currency });
        return command;
    }

    private NpgsqlCommand SeatsCommand(EventDefinition definition, HoldRequest request, Guid bookingId, DateTimeOffset now, DateTimeOffset heldUntil)
    {
        var command = dataSource.CreateCommand(HoldSeatsSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = definition.Id });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = request.Seats.Select(s => s.Section).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = request.Seats.Select(s => s.Row).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = request.Seats.Select(s => s.Number).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = bookingId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = heldUntil });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Email });
        command.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = request.Total });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.Currency });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)request.Section ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }

    private async Task<long> CountFreeAsync(Guid eventId, string section, DateTimeOffset now)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT count(*) FROM seats
            WHERE event_id = $1 AND section = $2 AND (status = 0 OR (status = 1 AND held_until <= $3))
            """);
        command.Parameters.Add(new() { Value = eventId });
        command.Parameters.Add(new() { Value = section });
        command.Parameters.Add(new() { Value = now });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Releases a held booking at once; false when there is no such booking. Releasing again changes nothing.</summary>
    public Task<bool> ReleaseAsync(Guid bookingId, DateTimeOffset now) => Retrying.OnTransientAsync(async () =>
    {
        await using var command = dataSource.CreateCommand(ReleaseSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = bookingId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetInt32(0) == 1;
    });

    public async Task<BookingRow?> GetBookingAsync(Guid bookingId)
    {
        await using var command = dataSource.CreateCommand($"SELECT {BookingColumns} FROM bookings WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = bookingId });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? ReadBooking(reader) : null;
    }

    /// <summary>
    /// Pays a held booking with the simulated provider: tok_visa succeeds at once, any other token is declined
    /// (and the seats are freed). Paying a Confirmed booking again returns it.
    /// </summary>
    public Task<PaymentOutcome> PayAsync(Guid bookingId, string token, DateTimeOffset now) => Retrying.OnTransientAsync(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var booking = await LockBookingAsync(connection, transaction, bookingId);
        if (booking is null)
        {
            return new PaymentOutcome(PaymentError.NotFound, null, null);
        }

        if (booking.Status == BookingStatus.Confirmed)
        {
            return new PaymentOutcome(PaymentError.None, booking, null);
        }

        if (booking.Status != BookingStatus.Held || booking.ExpiresAt <= now)
        {
            var status = booking.Status == BookingStatus.Held ? BookingStatus.Expired : booking.Status;
            return new PaymentOutcome(PaymentError.NotPayable, booking, $"The booking is {status}: only a Held booking can be paid.");
        }

        if (token != "tok_visa")
        {
            var reason = token switch
            {
                "tok_declined" => "card_declined",
                "tok_insufficient_funds" => "insufficient_funds",
                _ => "invalid_token",
            };
            await FreeSeatsAsync(connection, transaction, booking, SeatStatus.Held);
            var failed = booking with { Status = BookingStatus.PaymentFailed, Reason = $"Payment failed: {reason}" };
            await UpdateBookingAsync(connection, transaction, failed);
            await transaction.CommitAsync();
            return new PaymentOutcome(PaymentError.Declined, failed, failed.Reason);
        }

        await using (var sell = new NpgsqlCommand("""
            UPDATE seats s SET status = 2, held_until = NULL
            FROM unnest($3::text[], $4::int[], $5::int[]) AS mine (section, row, number)
            WHERE s.event_id = $1 AND s.section = mine.section AND s.row = mine.row AND s.number = mine.number
              AND s.booking_id = $2 AND s.status = 1
            """, connection, transaction))
        {
            AddSeatParameters(sell, booking);
            if (await sell.ExecuteNonQueryAsync() != booking.Quantity)
            {
                // A seat went to someone else at the very instant the hold ran out: sell nothing.
                await transaction.RollbackAsync();
                return new PaymentOutcome(PaymentError.NotPayable, booking with { Status = BookingStatus.Expired }, "The hold ran out before the payment.");
            }
        }

        var confirmed = booking with
        {
            Status = BookingStatus.Confirmed,
            PaymentId = $"pay_{Guid.NewGuid():N}",
            PaidAt = now,
            TicketIds = booking.Seats.Select(_ => Guid.NewGuid()).ToList(),
            TicketCodes = booking.Seats.Select(_ => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))).ToList(),
        };
        await UpdateBookingAsync(connection, transaction, confirmed);
        await transaction.CommitAsync();
        return new PaymentOutcome(PaymentError.None, confirmed, null);
    });

    /// <summary>Cancels: a Confirmed booking is refunded (simulated, immediate) and its seats go back on sale; a Held one is released.</summary>
    public Task<PaymentOutcome> CancelAsync(Guid bookingId, DateTimeOffset now) => Retrying.OnTransientAsync(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var booking = await LockBookingAsync(connection, transaction, bookingId);
        if (booking is null)
        {
            return new PaymentOutcome(PaymentError.NotFound, null, null);
        }

        BookingRow cancelled;
        switch (booking.Status)
        {
            case BookingStatus.Cancelled:
                return new PaymentOutcome(PaymentError.None, booking, null);
            case BookingStatus.Confirmed:
                await FreeSeatsAsync(connection, transaction, booking, SeatStatus.Sold);
                cancelled = booking with { Status = BookingStatus.Cancelled, RefundId = $"ref_{Guid.NewGuid():N}", RefundedAt = now };
                break;
            case BookingStatus.Held:
                await FreeSeatsAsync(connection, transaction, booking, SeatStatus.Held);
                cancelled = booking with { Status = booking.ExpiresAt > now ? BookingStatus.Released : BookingStatus.Expired };
                break;
            default:
                return new PaymentOutcome(PaymentError.NotPayable, booking, $"The booking is {booking.Status}: there is nothing to cancel.");
        }

        await UpdateBookingAsync(connection, transaction, cancelled);
        await transaction.CommitAsync();
        return new PaymentOutcome(PaymentError.None, cancelled, null);
    });

    private static async Task<BookingRow?> LockBookingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid bookingId)
    {
        await using var command = new NpgsqlCommand($"SELECT {BookingColumns} FROM bookings WHERE id = $1 FOR UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = bookingId });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? ReadBooking(reader) : null;
    }

    private static async Task FreeSeatsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, BookingRow booking, SeatStatus from)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE seats s SET status = 0, booking_id = NULL, held_until = NULL
            FROM unnest($3::text[], $4::int[], $5::int[]) AS mine (section, row, number)
            WHERE s.event_id = $1 AND s.section = mine.section AND s.row = mine.row AND s.number = mine.number
              AND s.booking_id = $2 AND s.status = $6
            """, connection, transaction);
        AddSeatParameters(command, booking);
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)from });
        await command.ExecuteNonQueryAsync();
    }

    private static void AddSeatParameters(NpgsqlCommand command, BookingRow booking)
    {
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = booking.EventId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = booking.Id });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = booking.Seats.Select(s => s.Section).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = booking.Seats.Select(s => s.Row).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = booking.Seats.Select(s => s.Number).ToArray() });
    }

    private static async Task UpdateBookingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, BookingRow booking)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE bookings SET status = $2, payment_id = $3, paid_at = $4, refund_id = $5, refunded_at = $6, reason = $7,
                                ticket_ids = $8, ticket_codes = $9
            WHERE id = $1
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = booking.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = booking.Status.ToString() });
        command.Parameters.Add(Nullable(booking.PaymentId, NpgsqlDbType.Text));
        command.Parameters.Add(Nullable(booking.PaidAt, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Nullable(booking.RefundId, NpgsqlDbType.Text));
        command.Parameters.Add(Nullable(booking.RefundedAt, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Nullable(booking.Reason, NpgsqlDbType.Text));
        command.Parameters.Add(Nullable(booking.TicketIds?.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid));
        command.Parameters.Add(Nullable(booking.TicketCodes?.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text));
        await command.ExecuteNonQueryAsync();
    }

    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    private static BookingRow ReadBooking(NpgsqlDataReader reader)
    {
        var sections = reader.GetFieldValue<string[]>(6);
        var rows = reader.GetFieldValue<int[]>(7);
        var numbers = reader.GetFieldValue<int[]>(8);
        return new BookingRow(
            reader.GetGuid(0),
            reader.GetGuid(1),
            reader.GetString(2),
            Enum.Parse<BookingStatus>(reader.GetString(3)),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetInt32(5),
            sections.Select((s, i) => new SeatKey(s, rows[i], numbers[i])).ToList(),
            reader.GetFieldValue<DateTimeOffset>(9),
            reader.GetDecimal(10),
            reader.GetString(11),
            reader.GetFieldValue<DateTimeOffset>(12),
            reader.IsDBNull(13) ? null : reader.GetString(13),
            reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14),
            reader.IsDBNull(15) ? null : reader.GetString(15),
            reader.IsDBNull(16) ? null : reader.GetFieldValue<DateTimeOffset>(16),
            reader.IsDBNull(17) ? null : reader.GetString(17),
            reader.IsDBNull(18) ? null : reader.GetFieldValue<Guid[]>(18),
            reader.IsDBNull(19) ? null : reader.GetFieldValue<string[]>(19));
    }
}

/// <summary>Retries a whole transaction that PostgreSQL aborted as a deadlock victim or serialization failure.</summary>
public static class Retrying
{
    public static async Task<T> OnTransientAsync<T>(Func<Task<T>> transaction)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction();
            }
            catch (PostgresException e) when (attempt < 3 && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
            }
        }
    }
}
