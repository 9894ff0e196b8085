using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Oracle.Core.Transparency;

/// <summary>
/// An Ed25519 key of the C2SP signed-note format: its name, its 4-byte key id
/// <c>SHA-256(name ‖ 0x0A ‖ 0x01 ‖ publicKey)[:4]</c> and its verifier key string
/// <c>&lt;name&gt;+&lt;hex key id&gt;+&lt;base64(0x01 ‖ publicKey)&gt;</c>, which is what a monitor or witness is given to
/// check a log's checkpoints. With the private key (<see cref="FromSeed"/>) it signs notes; with only the verifier key
/// (<see cref="TryParseVerifierKey"/>) it verifies them.
/// </summary>
public sealed class NoteKey : IDisposable
{
    /// <summary>The signature algorithm byte of Ed25519 keys in the note format.</summary>
    public const byte Ed25519Algorithm = 0x01;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;
    private readonly Key? _privateKey;
    private readonly PublicKey _publicKey;

    private NoteKey(string name, PublicKey publicKey, Key? privateKey)
    {
        Name = name;
        PublicKey = publicKey.Export(KeyBlobFormat.RawPublicKey);
        _publicKey = publicKey;
        _privateKey = privateKey;
        KeyId = ComputeKeyId(name, PublicKey);
    }

    /// <summary>The key's name (for a log's checkpoints: its origin).</summary>
    public string Name { get; }

    /// <summary>The raw Ed25519 public key (32 bytes).</summary>
    public byte[] PublicKey { get; }

    /// <summary>The 4-byte key id.</summary>
    public byte[] KeyId { get; }

    /// <summary>Whether this key can sign (it holds the private key).</summary>
    public bool CanSign => _privateKey is not null;

    /// <summary>The verifier key string: <c>name+hex(keyId)+base64(0x01 ‖ publicKey)</c>.</summary>
    public string VerifierKey => $"{Name}+{Convert.ToHexStringLower(KeyId)}+{Convert.ToBase64String([Ed25519Algorithm, .. PublicKey])}";

    /// <summary>A signing key named <paramref name="name"/> from a 32-byte Ed25519 seed.</summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes or the name is not a valid key name.</exception>
    public static NoteKey FromSeed(string name, ReadOnlySpan<byte> seed)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException("a note key name is non-empty, without spaces or '+'", nameof(name));
        }

        if (seed.Length != 32)
        {
            throw new ArgumentException("an Ed25519 seed has 32 bytes", nameof(seed));
        }

        var key = Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey);
        return new NoteKey(name, key.PublicKey, key);
    }

    /// <summary>
    /// A signing key named <paramref name="name"/> derived from other secret key material (HKDF-SHA256 with
    /// <paramref name="label"/> as info): the evidence collector derives its checkpoint key from its Ethereum key, so it
    /// has one secret to keep.
    /// </summary>
    public static NoteKey Derive(string name, ReadOnlySpan<byte> secret, string label)
    {
        Span<byte> seed = stackalloc byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, seed, [], Encoding.UTF8.GetBytes(label));
        try
        {
            return FromSeed(name, seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Parses a verifier key string (verification only).</summary>
    /// <returns>False when it is not <c>name+8 hex digits+base64(0x01 ‖ 32 bytes)</c> with a matching key id.</returns>
    public static bool TryParseVerifierKey(string? verifierKey, out NoteKey? key)
    {
        key = null;
        var parts = verifierKey?.Split('+', 3);
        if (parts is not { Length: 3 } || !IsValidName(parts[0]) || parts[1].Length != 8)
        {
            return false;
        }

        byte[] id;
        byte[] encoded;
        try
        {
            id = Convert.FromHexString(parts[1]);
            encoded = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (encoded.Length != 33 || encoded[0] != Ed25519Algorithm
            || !NSec.Cryptography.PublicKey.TryImport(Algorithm, encoded.AsSpan(1), KeyBlobFormat.RawPublicKey, out var publicKey) || publicKey is null)
        {
            return false;
        }

        var parsed = new NoteKey(parts[0], publicKey, null);
        if (!parsed.KeyId.AsSpan().SequenceEqual(id))
        {
            return false;
        }

        key = parsed;
        return true;
    }

    /// <summary>Signs <paramref name="text"/> (ending with a newline) into a note with this key's one signature.</summary>
    /// <exception cref="InvalidOperationException">The key cannot sign (a verifier key).</exception>
    public SignedNote Sign(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        if (_privateKey is null)
        {
            throw new InvalidOperationException($"note key {Name} is a verifier key: it cannot sign");
        }

        if (!text.EndsWith('\n'))
        {
            throw new ArgumentException("a note's text ends with a newline", nameof(text));
        }

        var signature = Algorithm.Sign(_privateKey, Encoding.UTF8.GetBytes(text));
        return new SignedNote(text, [new NoteSignature(Name, KeyId, signature)]);
    }

    /// <summary>Whether <paramref name="note"/> carries a valid signature by this key (name and key id matching).</summary>
    public bool Verify(SignedNote note)
    {
        ArgumentNullException.ThrowIfNull(note);
        var message = Encoding.UTF8.GetBytes(note.Text);
        return note.Signatures.Any(s => s.Name == Name && s.KeyId.AsSpan().SequenceEqual(KeyId)
            && s.Signature.Length == Algorithm.SignatureSize && Algorithm.Verify(_publicKey, message, s.Signature));
    }

    /// <inheritdoc />
    public void Dispose() => _privateKey?.Dispose();

    /// <summary>Whether <paramref name="name"/> can name a note key.</summary>
    public static bool IsValidName(string? name) => CheckpointBody.IsValidOrigin(name);

    private static byte[] ComputeKeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        var input = new List<byte>(Encoding.UTF8.GetBytes(name)) { 0x0A, Ed25519Algorithm };
        input.AddRange(publicKey.ToArray());
        return SHA256.HashData(input.ToArray())[..4];
    }
}
