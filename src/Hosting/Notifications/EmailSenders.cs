using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Ticketing.Hosting.Notifications;

/// <summary>Hands a message over for delivery (SMTP, or a pickup folder); throws when it could not.</summary>
public interface IEmailSender
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>Sends through an SMTP server with MailKit: STARTTLS when offered, authentication with a user name.</summary>
public sealed class SmtpEmailSender(NotificationOptions options) : IEmailSender
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(options.SmtpHost!, options.SmtpPort, SecureSocketOptions.Auto, cancellationToken);
        if (!string.IsNullOrEmpty(options.SmtpUsername))
        {
            await client.AuthenticateAsync(options.SmtpUsername, options.SmtpPassword ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}

/// <summary>Development: each message becomes <c>&lt;message id&gt;.eml</c> in a folder (written to a temporary name, then moved).</summary>
public sealed class PickupDirectoryEmailSender(string directory) : IEmailSender
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var name = (message.MessageId ?? Guid.NewGuid().ToString("N")).Split('@')[0];
        var temporary = Path.Combine(directory, $".{name}.tmp");
        await message.WriteToAsync(temporary, cancellationToken);
        File.Move(temporary, Path.Combine(directory, name + ".eml"), overwrite: true);
    }
}
