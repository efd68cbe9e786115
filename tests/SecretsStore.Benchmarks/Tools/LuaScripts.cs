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
    /// <param name="keyed">Each create sends an Idempotency-Key of its own (a new key per request, as a client that keys every write).</param>
    public static string CreateSecrets(BenchAccount account, IReadOnlyList<string> stores, string runTag, bool keyed = false) => $$"""
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
          local headers = nil
          if {{(keyed ? "true" : "false")}} then
            headers = { ["Authorization"] = wrk.headers["Authorization"], ["Content-Type"] = "application/json",
                        ["Idempotency-Key"] = "{{runTag}}-" .. tid .. "-" .. counter .. "-0f8c2a6e-6b1d-4c55-9a0e-3d7f5b2c9e41" }
          end
          return wrk.format(nil, "{{account.Base}}/stores/" .. store .. "/secrets", headers, body)
        end
        """;

    /// <summary>
    /// GETs of <paramref name="path"/>, each with a new random bearer token (43 base64url characters, as a real one);
    /// with <paramref name="spreadAddresses"/>, each from a random <c>X-Forwarded-For</c> address. Each thread seeds
    /// its own generator, so the threads send different tokens.
    /// </summary>
    public static string RandomTokens(string path, bool spreadAddresses) => $$"""
        local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        local spread = {{(spreadAddresses ? "true" : "false")}}
        local threads = 0
        function setup(thread)
          threads = threads + 1
          thread:set("tid", threads)
        end
        function init(args)
          math.randomseed(os.time() * 1000 + tid * 7919)
        end
        function request()
          local chars = {}
          for i = 1, 43 do
            local r = math.random(1, 64)
            chars[i] = alphabet:sub(r, r)
          end
          local headers = { ["Authorization"] = "Bearer " .. table.concat(chars) }
          if spread then
            headers["X-Forwarded-For"] = math.random(1, 223) .. "." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
          end
          return wrk.format("GET", "{{path}}", headers)
        end
        """;

    private static string Delay(double? delayMs) =>
        delayMs is { } ms ? $"function delay() return {ms.ToString("0.###", CultureInfo.InvariantCulture)} end" : "";
}
