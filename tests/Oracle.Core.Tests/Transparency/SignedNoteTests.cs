using System.Text;
using Oracle.Core.Transparency;

namespace Oracle.Core.Tests.Transparency;

public sealed class SignedNoteTests
{
    // The example of golang.org/x/mod/sumdb/note (the reference implementation of C2SP signed-note).
    private const string GoVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string GoPrivateKey = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string GoText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string GoNote = GoText + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    [Fact]
    public void Sign_GoReferenceKey_GivesTheGoNoteByteForByte()
    {
        using var key = NoteKey.FromSeed("PeterNeumann", Convert.FromBase64String(GoPrivateKey).AsSpan(1));

        var note = key.Sign(GoText).Format();

        Assert.Equal(GoNote, note);
        Assert.Equal(GoVerifierKey, key.VerifierKey);
    }

    [Fact]
    public void Verify_GoNoteWithGoVerifierKey_Holds()
    {
        Assert.True(NoteKey.TryParseVerifierKey(GoVerifierKey, out var key));
        Assert.True(SignedNote.TryParse(GoNote, out var note));

        Assert.True(key!.Verify(note!));
        Assert.False(key.CanSign);
    }

    [Fact]
    public void Verify_TextChanged_Fails()
    {
        Assert.True(NoteKey.TryParseVerifierKey(GoVerifierKey, out var key));
        Assert.True(SignedNote.TryParse(GoNote.Replace("problem is", "problem was", StringComparison.Ordinal), out var note));

        Assert.False(key!.Verify(note!));
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+c74f20a3+ABpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+c74f20a3")]
    [InlineData("")]
    public void TryParseVerifierKey_Mangled_Refused(string verifierKey)
    {
        Assert.False(NoteKey.TryParseVerifierKey(verifierKey, out _));
    }

    [Theory]
    [InlineData("no signatures\n")]
    [InlineData("text\n\nnot a signature line\n")]
    [InlineData("text\n\n\u2014 name !!notbase64\n")]
    [InlineData("text\n\n\u2014 name AAAA\n")]
    public void TryParse_Malformed_Refused(string note)
    {
        Assert.False(SignedNote.TryParse(note, out _));
    }

    [Fact]
    public void TryParseVerifierKey_Base64WithPlus_RoundTrips()
    {
        // Find a key whose public key's base64 holds a '+', which the verifier key string also uses as separator.
        for (byte i = 0; ; i++)
        {
            using var key = NoteKey.FromSeed("log.example/plus", Enumerable.Repeat(i, 32).ToArray());
            if (!key.VerifierKey.Split('+', 3)[2].Contains('+', StringComparison.Ordinal))
            {
                continue;
            }

            Assert.True(NoteKey.TryParseVerifierKey(key.VerifierKey, out var parsed));
            Assert.True(parsed!.Verify(key.Sign("text\n")));
            return;
        }
    }

    [Fact]
    public void Derive_SameSecret_SameKeyAndOtherLabelOtherKey()
    {
        var secret = Encoding.ASCII.GetBytes("a secret of some length, 32 bytes+");
        using var a = NoteKey.Derive("log.example/a", secret, "label one");
        using var b = NoteKey.Derive("log.example/a", secret, "label one");
        using var c = NoteKey.Derive("log.example/a", secret, "label two");

        Assert.Equal(a.VerifierKey, b.VerifierKey);
        Assert.NotEqual(a.VerifierKey, c.VerifierKey);
    }
}
