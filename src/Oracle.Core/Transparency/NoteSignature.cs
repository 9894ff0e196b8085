namespace Oracle.Core.Transparency;

/// <summary>One signature line of a C2SP signed note: <c>— &lt;name&gt; base64(keyId ‖ signature)</c>.</summary>
/// <param name="Name">The key's name.</param>
/// <param name="KeyId">The 4-byte key id (<see cref="NoteKey.KeyId"/>).</param>
/// <param name="Signature">The signature bytes (64 for Ed25519).</param>
public sealed record NoteSignature(string Name, byte[] KeyId, byte[] Signature);
