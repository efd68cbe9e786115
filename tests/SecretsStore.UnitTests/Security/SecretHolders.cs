using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using SecretsStore.Api;
using SecretsStore.Grains;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Crypto;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.UnitTests.Security;

/// <summary>
/// Finds, by reflection, every type of the service that holds a value, a token or a key, and builds one holding a
/// canary in each such member, so a test can see whether its <c>ToString</c> prints it. A type found here that cannot
/// be built is a failure, not a skip: a new holder must be checked too.
/// </summary>
public static partial class SecretHolders
{
    public const string Canary = "canary-7b1f0c93e4";

    public static readonly byte[] CanaryBytes = Encoding.UTF8.GetBytes(Canary);

    private static readonly Assembly[] Ours =
    [
        typeof(ApiOptions).Assembly, typeof(StoreGrain).Assembly, typeof(SecretValue).Assembly, typeof(SecretRecord).Assembly,
    ];

    /// <summary>Types that hold a secret by their nature, whatever their members are called.</summary>
    private static readonly Type[] SecretTypes = [typeof(SecretValue), typeof(UnwrappedKey), typeof(StoreKeys), typeof(MasterKeyRing)];

    /// <summary>Members named like a secret that are not one, each with the reason.</summary>
    private static readonly Dictionary<string, string> NotSecrets = new()
    {
        ["SecretsStore.Api.Audit.RequestIds+RequestId.Value"] = "a request id, which answers and the trail carry anyway",
    };

    /// <summary>Every type of the service with a member that holds a value, a token or a key.</summary>
    public static IEnumerable<Type> All() =>
        Ours.SelectMany(a => a.GetTypes())
            .Where(t => !t.IsAbstract && !t.IsGenericTypeDefinition && !t.IsDefined(typeof(CompilerGeneratedAttribute)) && !t.Name.Contains('<'))
            .Where(t => SecretFields(t).Any())
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="type"/> prints more than its name: a record, or a type with its own ToString.</summary>
    public static bool PrintsMembers(Type type) =>
        type.GetMethod(nameof(ToString), Type.EmptyTypes)!.DeclaringType is { } declaring && declaring != typeof(object) && declaring != typeof(ValueType);

    /// <summary>An instance built through its widest public constructor, with the canary in every secret parameter.</summary>
    public static object Build(Type type)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"{type} has no public constructor: check it directly.");
        return constructor.Invoke(constructor.GetParameters().Select(p => ArgumentFor(type, p)).ToArray());
    }

    /// <summary>The canary as it could show in text: as itself, as hex and as base64 of its bytes.</summary>
    public static IEnumerable<string> CanaryForms() =>
        [Canary, Convert.ToHexString(CanaryBytes), Convert.ToHexStringLower(CanaryBytes), Convert.ToBase64String(CanaryBytes)];

    private static IEnumerable<FieldInfo> SecretFields(Type type) =>
        type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(f => SecretTypes.Contains(f.FieldType) || (IsText(f.FieldType) && IsSecretName(type, MemberName(f.Name))));

    private static object? ArgumentFor(Type owner, ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        var secret = IsSecretName(owner, parameter.Name!);
        return type switch
        {
            _ when type == typeof(string) => secret ? Canary : "x",
            _ when type == typeof(byte[]) => secret ? CanaryBytes.ToArray() : new byte[] { 1 },
            _ when type == typeof(SecretValue) => new SecretValue(Canary),
            _ when type == typeof(Guid) => Guid.NewGuid(),
            _ when type == typeof(DateTime) => DateTime.UnixEpoch,
            _ when type == typeof(TimeSpan) => TimeSpan.FromHours(1),
            _ when type == typeof(bool) => true,
            _ when type == typeof(int) || type == typeof(long) => Convert.ChangeType(1, type),
            _ when type.IsEnum => Enum.GetValues(type).GetValue(0),
            _ when type.IsAssignableFrom(typeof(string[])) => new[] { "x" },
            _ when type.IsAssignableFrom(typeof(HashSet<Guid>)) => new HashSet<Guid> { Guid.NewGuid() },
            _ when Ours.Contains(type.Assembly) => Build(type),
            _ => throw new InvalidOperationException($"{owner} takes a {type} ({parameter.Name}) that this check cannot make: check it directly."),
        };
    }

    private static bool IsText(Type type) => type == typeof(string) || type == typeof(byte[]) || type == typeof(char[]);

    private static bool IsSecretName(Type owner, string member) =>
        SecretName().IsMatch(member) && !NotSecrets.ContainsKey($"{owner.FullName}.{char.ToUpperInvariant(member[0])}{member[1..]}");

    /// <summary>A field's member name: a record's <c>&lt;Value&gt;k__BackingField</c> and a captured <c>&lt;key&gt;P</c> give theirs.</summary>
    private static string MemberName(string field) =>
        field.StartsWith('<') ? field[1..field.IndexOf('>')] : field.TrimStart('_');

    /// <summary>
    /// What a value, token or key is called: <c>Value</c>, <c>Plaintext</c>, <c>AdminToken</c>, <c>Key</c>, <c>dataKey</c>, and
    /// <c>Blob</c> for a wrapped key.
    /// </summary>
    [GeneratedRegex("(value|plaintext|token|key|password|blob)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
