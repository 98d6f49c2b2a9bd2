// SPDX-License-Identifier: MIT
using System.Text;
using NetMQ;

namespace DmaCosim.Bridge;

/// <summary>
/// The CURVE keys a client needs to talk to one harness (docs/protocol.md §1, Authentication): the
/// harness's public key and this client's key pair, each 40 characters of Z85.
/// </summary>
/// <param name="ServerPublicKey">The harness's public key.</param>
/// <param name="ClientPublicKey">This client's public key (the harness accepts only the ones it was given).</param>
/// <param name="ClientSecretKey">This client's secret key.</param>
public sealed record CurveKeys(string ServerPublicKey, string ClientPublicKey, string ClientSecretKey)
{
    /// <summary>Key name of the harness's public key in a client key file.</summary>
    public const string ServerPublicName = "server_public";

    /// <summary>Key name of the harness's secret key in a harness key file.</summary>
    public const string ServerSecretName = "server_secret";

    /// <summary>Key name of a client's public key, in both files.</summary>
    public const string ClientPublicName = "client_public";

    /// <summary>Key name of the client's secret key in a client key file.</summary>
    public const string ClientSecretName = "client_secret";

    /// <summary>
    /// Makes fresh key pairs for a harness and its client.
    /// </summary>
    /// <returns>The client's keys, and the harness's key file text (its secret key and the client's public key).</returns>
    public static (CurveKeys Client, string HarnessKeyFile) Generate()
    {
        var server = new NetMQCertificate();
        var client = new NetMQCertificate();
        var keys = new CurveKeys(server.PublicKeyZ85, client.PublicKeyZ85, client.SecretKeyZ85!);
        var harnessFile = $"{ServerSecretName}={server.SecretKeyZ85}\n{ClientPublicName}={client.PublicKeyZ85}\n";
        return (keys, harnessFile);
    }

    /// <summary>Reads a client key file (as the harness writes it when started without keys).</summary>
    /// <param name="path">The file: lines <c>name=Z85</c>; blank lines and lines starting with <c>#</c> are ignored.</param>
    /// <returns>The keys.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable by this user.</exception>
    /// <exception cref="FormatException">A key is missing, repeated or not 40 characters of Z85.</exception>
    public static CurveKeys Load(string path) => Parse(File.ReadAllText(path, Encoding.UTF8), path);

    /// <summary>Parses the text of a client key file.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="source">Where it came from, for error messages.</param>
    /// <returns>The keys.</returns>
    /// <exception cref="FormatException">A key is missing, repeated or not 40 characters of Z85.</exception>
    public static CurveKeys Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !values.TryAdd(line[..eq].Trim(), line[(eq + 1)..].Trim()))
            {
                throw new FormatException($"{source}: line '{Redact(line)}' is not a new name=key");
            }
        }

        return new CurveKeys(Key(ServerPublicName), Key(ClientPublicName), Key(ClientSecretName));

        string Key(string name)
        {
            if (!values.TryGetValue(name, out var value))
            {
                throw new FormatException($"{source}: no {name}");
            }

            if (value.Length != 40)
            {
                throw new FormatException($"{source}: {name} is not 40 characters of Z85");
            }

            try
            {
                _ = NetMQCertificate.FromPublicKey(value); // decodes any 32-byte key
            }
            catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or FormatException)
            {
                throw new FormatException($"{source}: {name} is not 40 characters of Z85", e);
            }

            return value;
        }
    }

    /// <summary>The text of a client key file with these keys (what <see cref="Parse"/> reads), for handing them to another process on a pipe.</summary>
    /// <returns>The <c>name=Z85</c> lines.</returns>
    public string ToClientKeyFile() =>
        $"{ServerPublicName}={ServerPublicKey}\n{ClientPublicName}={ClientPublicKey}\n{ClientSecretName}={ClientSecretKey}\n";

    /// <summary>The keys without the secret one.</summary>
    /// <returns>The public keys.</returns>
    public override string ToString() => $"CurveKeys {{ ServerPublicKey = {ServerPublicKey}, ClientPublicKey = {ClientPublicKey} }}";

    /// <summary>Never repeat a secret in an error message.</summary>
    private static string Redact(string line) => line.Length <= 16 ? line : line[..16] + "…";
}
