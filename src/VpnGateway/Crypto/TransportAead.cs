using System.Buffers.Binary;
using System.Security.Cryptography;

namespace VpnGateway.Crypto;

/// <summary>
/// One direction's transport key: seals and opens transport messages in place. The nonce is 4 zero bytes and the
/// 64-bit message counter (big-endian); the 16-byte message header is the associated data.
/// </summary>
internal abstract class TransportAead : IDisposable
{
    public const int TagSize = 16;

    public static TransportAead Create(CipherSuite suite, ReadOnlySpan<byte> key) => suite switch
    {
        CipherSuite.Aes256Gcm => new AesGcmAead(key),
        CipherSuite.ChaCha20Poly1305 => new ChaChaAead(key),
        _ => throw new ArgumentOutOfRangeException(nameof(suite)),
    };

    public abstract void Seal(ulong counter, ReadOnlySpan<byte> header, Span<byte> data, Span<byte> tag);

    /// <summary>Decrypts in place; false when the tag does not verify.</summary>
    public abstract bool Open(ulong counter, ReadOnlySpan<byte> header, Span<byte> data, ReadOnlySpan<byte> tag);

    public abstract void Dispose();

    protected static void Nonce(Span<byte> nonce, ulong counter)
    {
        BinaryPrimitives.WriteUInt32BigEndian(nonce, 0);
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], counter);
    }

    private sealed class AesGcmAead(ReadOnlySpan<byte> key) : TransportAead
    {
        private readonly AesGcm _aead = new(key, TagSize);

        public override void Seal(ulong counter, ReadOnlySpan<byte> header, Span<byte> data, Span<byte> tag)
        {
            Span<byte> nonce = stackalloc byte[12];
            Nonce(nonce, counter);
            _aead.Encrypt(nonce, data, data, tag, header);
        }

        public override bool Open(ulong counter, ReadOnlySpan<byte> header, Span<byte> data, ReadOnlySpan<byte> tag)
        {
            Span<byte> nonce = stackalloc byte[12];
            Nonce(nonce, counter);
            try
            {
                _aead.Decrypt(nonce, data, tag, data, header);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }
        }

        public override void Dispose() => _aead.Dispose();
    }

    private sealed class ChaChaAead(ReadOnlySpan<byte> key) : TransportAead
    {
        private readonly ChaCha20Poly1305 _aead = new(key);

        public override void Seal(ulong counter, ReadOnlySpan<byte> header, Span<byte> data, Span<byte> tag)
        {
            Span<byte> nonce = stackalloc byte[12];
            Nonce(nonce, counter);
            _aead.Encrypt(nonce, data, data, tag, header);
        }

        public override bool Open(ulong counter, ReadOnlySpan<byte> header, Span<byte> data, ReadOnlySpan<byte> tag)
        {
            Span<byte> nonce = stackalloc byte[12];
            Nonce(nonce, counter);
            try
            {
                _aead.Decrypt(nonce, data, tag, data, header);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }
        }

        public override void Dispose() => _aead.Dispose();
    }
}
