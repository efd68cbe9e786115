using System.Text;
using System.Text.RegularExpressions;

namespace SecretsStore.Tests.Hosting;

/// <summary>One fenced code block of a Markdown file.</summary>
/// <param name="Line">The line of its opening fence, counted from 1.</param>
/// <param name="Language">What follows the opening fence (<c>sh</c>, <c>js</c>, …), or empty.</param>
/// <param name="Text">Its lines, without the fences and the fence's indentation.</param>
/// <param name="NotRunBecause">The reason its marker gives, when it is marked as not run.</param>
public sealed record ReadmeBlock(int Line, string Language, string Text, string? NotRunBecause)
{
    private static readonly string[] ShellLanguages = ["sh", "bash", "shell", "console", "zsh"];

    public bool IsShell => ShellLanguages.Contains(Language, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The file a non-shell block asks to be saved as, named alone on its first line as a comment
    /// (<c>// secrets.mjs</c>); the README then runs it from a shell block.
    /// </summary>
    public string? FileName =>
        !IsShell && Regex.Match(Text, @"\A(?://|#) ([A-Za-z0-9_][A-Za-z0-9_.-]*\.[A-Za-z0-9]+)\n") is { Success: true } named
            ? named.Groups[1].Value
            : null;
}

/// <summary>
/// The README's code blocks, and the script that runs its shell blocks in order (<see cref="ReadmeTests"/>). A shell
/// block runs unless the line before it is a marker, an HTML comment a reader does not see:
/// <c>&lt;!-- not run by tests/SecretsStore.Tests/Hosting/ReadmeTests.cs: why --&gt;</c>.
/// </summary>
public static partial class ReadmeBlocks
{
    public const string MarkerStart = "<!-- not run by tests/SecretsStore.Tests/Hosting/ReadmeTests.cs: ";

    /// <summary>Where the README's lines expect the service; the test's service listens elsewhere.</summary>
    public const string ReadmeAddress = "http://127.0.0.1:8787";

    /// <summary>What the script prints last, to stderr, when every block ran.</summary>
    public const string Finished = "### every block of README.md ran";

    /// <summary>
    /// What a test cannot run: long-running services, the suite itself, containers, systemd, package downloads. An
    /// unmarked block that uses one is refused, so a block that needs a marker cannot slip in without one.
    /// </summary>
    [GeneratedRegex(@"(?<![\w/-])(\./)?(scripts/(run|cluster|test|benchmark)\.sh|dotnet|docker|podman|kubectl|helm|systemctl|journalctl|sudo|apt-get|apt|npx|npm|pip)(?![\w-])")]
    private static partial Regex Unrunnable();

    [GeneratedRegex(@"^(\s*)```\s*([A-Za-z0-9_+-]*)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"(^|\s)#.*$")]
    private static partial Regex Comment();

    public static IReadOnlyList<ReadmeBlock> Parse(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<ReadmeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            var indent = open.Groups[1].Value.Length;
            var body = new StringBuilder();
            var end = i + 1;
            while (end < lines.Length && !(Fence().Match(lines[end]) is { Success: true } close && close.Groups[2].Value.Length == 0))
            {
                var line = lines[end];
                body.Append(line.Length >= indent && string.IsNullOrWhiteSpace(line[..indent]) ? line[indent..] : line.TrimStart()).Append('\n');
                end++;
            }

            blocks.Add(new ReadmeBlock(i + 1, open.Groups[2].Value, body.ToString(), MarkerBefore(lines, i)));
            i = end;
        }

        return blocks;
    }

    /// <summary>
    /// Why the README cannot be run as it stands: an unmarked shell block that uses something only a marked block may,
    /// a marker without a reason, or one that no block follows (a marker that escaped its block would mark nothing).
    /// </summary>
    public static IReadOnlyList<string> Problems(string markdown)
    {
        var blocks = Parse(markdown);
        var problems = new List<string>();
        foreach (var block in blocks.Where(b => b.IsShell && b.NotRunBecause is null))
        {
            foreach (var (line, offset) in block.Text.Split('\n').Select((line, offset) => (line, offset)))
            {
                if (Unrunnable().Match(Comment().Replace(line, "")) is { Success: true } found)
                {
                    problems.Add($"README.md line {block.Line + 1 + offset}: the test cannot run `{found.Value.Trim()}`; run what it needs in another block, " +
                        $"or mark the block with {MarkerStart}why -->");
                }
            }
        }

        foreach (var block in blocks.Where(b => b.NotRunBecause is { Length: 0 }))
        {
            problems.Add($"README.md line {block.Line}: its marker gives no reason");
        }

        var markers = markdown.ReplaceLineEndings("\n").Split('\n').Count(l => l.TrimStart().StartsWith(MarkerStart.TrimEnd(), StringComparison.Ordinal));
        if (markers != blocks.Count(b => b.NotRunBecause is not null))
        {
            problems.Add($"README.md has {markers} markers but {blocks.Count(b => b.NotRunBecause is not null)} marked blocks: each marker goes on the line before its block's fence");
        }

        if (!blocks.Any(b => b.IsShell && b.NotRunBecause is null))
        {
            problems.Add("README.md has no shell block the test runs");
        }

        return problems;
    }

    /// <summary>
    /// One bash script of every block the test runs, in the README's order: each shell block as written (its
    /// <see cref="ReadmeAddress"/> replaced by <paramref name="baseUrl"/>), and each block that names its file
    /// written there first. It stops at the first failing command, and every curl fails on an error status.
    /// </summary>
    public static string Script(string markdown, Uri baseUrl)
    {
        var address = baseUrl.ToString().TrimEnd('/');
        var script = new StringBuilder()
            .Append("set -euo pipefail\n")
            .Append("shopt -s inherit_errexit\n")
            // An answer with an error status fails the command (and prints its body), as curl -s alone would not.
            .Append("curl() { command curl --fail-with-body \"$@\"; }\n");
        foreach (var block in Parse(markdown).Where(b => b.NotRunBecause is null))
        {
            var text = block.Text.Replace(ReadmeAddress, address, StringComparison.Ordinal);
            if (block.IsShell)
            {
                script.Append($"printf '\\n### README.md line {block.Line}\\n' >&2\n").Append(text);
            }
            else if (block.FileName is { } file)
            {
                script.Append($"cat > '{file}' <<'README_BLOCK_END'\n").Append(text).Append("README_BLOCK_END\n");
            }
        }

        return script.Append($"printf '\\n{Finished}\\n' >&2\n").ToString();
    }

    private static string? MarkerBefore(string[] lines, int fence)
    {
        var before = fence - 1;
        while (before >= 0 && string.IsNullOrWhiteSpace(lines[before]))
        {
            before--;
        }

        var line = before >= 0 ? lines[before].Trim() : "";
        if (!line.StartsWith(MarkerStart.TrimEnd(), StringComparison.Ordinal) || !line.EndsWith("-->", StringComparison.Ordinal))
        {
            return null;
        }

        return line[MarkerStart.TrimEnd().Length..^3].Trim();
    }
}
