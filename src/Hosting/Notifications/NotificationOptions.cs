using System.ComponentModel.DataAnnotations;

namespace Ticketing.Hosting.Notifications;

/// <summary>Emails to buyers, from the "Notifications" section. Neither an SMTP host nor a pickup folder: none are sent.</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Sender address of every message.</summary>
    [Required, EmailAddress]
    public string From { get; set; } = "tickets@ticketing.example";

    /// <summary>Write each message as an .eml file into this folder instead of sending it (Development sets one).</summary>
    public string? PickupDirectory { get; set; }

    /// <summary>The SMTP server; when set, messages are sent through it (and the pickup folder is not used).</summary>
    public string? SmtpHost { get; set; }

    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 587;

    /// <summary>With a user name, the client authenticates; the connection uses STARTTLS when the server offers it.</summary>
    public string? SmtpUsername { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>Attempts per message (exponential backoff with jitter between them) before it is recorded as failed.</summary>
    [Range(2, 20)]
    public int MaxAttempts { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public bool IsEnabled => !string.IsNullOrWhiteSpace(SmtpHost) || !string.IsNullOrWhiteSpace(PickupDirectory);
}
