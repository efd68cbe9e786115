using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace SecretsStore.Silo.Hosting;

/// <summary><c>SecretsStore:Audit</c>: how long the silos keep the audit trail (docs/audit.md, "Retention").</summary>
public sealed class AuditHostOptions : IValidatableObject
{
    public const string Section = "SecretsStore:Audit";

    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(400);

    /// <summary>A century: beyond it a cutoff would fall before the calendar's start, and nothing so old exists anyway.</summary>
    public static readonly TimeSpan LongestRetention = TimeSpan.FromDays(36_500);

    /// <summary>Days (<c>400</c>) or a duration (<c>400.00:00:00</c>); rows older are deleted. <c>0</c> keeps everything.</summary>
    public TimeSpan Retention { get; set; } = DefaultRetention;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Retention < TimeSpan.Zero)
        {
            yield return new ValidationResult(
                string.Create(CultureInfo.InvariantCulture,
                    $"{Section}:Retention is negative ({Retention}): give how long to keep the audit trail, in days (400) or as a duration (400.00:00:00), or 0 to keep everything."),
                [nameof(Retention)]);
        }
        else if (Retention > LongestRetention)
        {
            yield return new ValidationResult(
                string.Create(CultureInfo.InvariantCulture,
                    $"{Section}:Retention is longer than a century ({Retention}): give at most 36500 days, or 0 to keep everything."),
                [nameof(Retention)]);
        }
    }
}
