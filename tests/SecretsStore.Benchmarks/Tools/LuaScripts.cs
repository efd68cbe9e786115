using System.Globalization;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>wrk scripts: authenticated GETs, creates with names unique across threads and runs, and paced GETs.</summary>
public static class LuaScripts
{
    public static string AuthorizedGet(string token, double? delayMs = null) => $$"""
        wrk.headers["Authorization"] = "Bearer {{token}}"
        {{Delay(delayMs)}}
        """;

    /// <summary>GETs of the given paths, taken in turn, so the load reaches every grain behind them.</summary>
    public static string AuthorizedGets(string token, IReadOnlyList<string> paths) => $$"""
        local paths = { {{string.Join(", ", paths.Select(p => $"\"{p}\""))}} }
        local counter = 0
        wrk.headers["Authorization"] = "Bearer {{token}}"
        function request()
          counter = counter + 1
          return wrk.format("GET", paths[(counter % #paths) + 1])
        end
        """;

    /// <summary>One secret per request, stores taken in turn; <paramref name="runTag"/> keeps names unique across runs.</summary>
    public static string CreateSecrets(BenchAccount account, IReadOnlyList<string> stores, string runTag) => $$"""
        local stores = { {{string.Join(", ", stores.Select(s => $"\"{s}\""))}} }
        local threads = 0
        function setup(thread)
          threads = threads + 1
          thread:set("tid", threads)
        end
        local counter = 0
        wrk.method = "POST"
        wrk.headers["Authorization"] = "Bearer {{account.Token}}"
        wrk.headers["Content-Type"] = "application/json"
        function request()
          counter = counter + 1
          local store = stores[((counter + tid) % #stores) + 1]
          local body = '[{"name":"B{{runTag}}_' .. tid .. '_' .. counter .. '","value":"benchmark-value-' .. counter .. '","scopes":["workers"]}]'
          return wrk.format(nil, "{{account.Base}}/stores/" .. store .. "/secrets", nil, body)
        end
        """;

    private static string Delay(double? delayMs) =>
        delayMs is { } ms ? $"function delay() return {ms.ToString("0.###", CultureInfo.InvariantCulture)} end" : "";
}
