using Nethereum.Util;

namespace Oracle.Actions.Units;

/// <summary>Reads Ethereum addresses as people type them, and refuses mistyped ones.</summary>
public static class Addresses
{
    /// <summary>
    /// Reads "0x" and 40 hex digits. All lower or all upper case is accepted as is; mixed case must be the EIP-55
    /// checksum (so a mistyped character in a copied address is caught). Returns the checksummed form.
    /// </summary>
    public static bool TryParse(string? text, out string address, out string error)
    {
        address = "";
        var s = (text ?? "").Trim();
        if (!AddressUtil.Current.IsValidEthereumAddressHexFormat(s))
        {
            error = $"'{text}' is not an address: 0x and 40 hex digits";
            return false;
        }

        var hex = s[2..];
        var mixed = hex.Any(char.IsUpper) && hex.Any(char.IsLower);
        if (mixed && !AddressUtil.Current.IsChecksumAddress(s))
        {
            error = $"'{text}' fails its EIP-55 checksum: a character was mistyped";
            return false;
        }

        if (hex.All(c => c == '0'))
        {
            error = "the zero address belongs to nobody";
            return false;
        }

        address = AddressUtil.Current.ConvertToChecksumAddress(s);
        error = "";
        return true;
    }

    /// <summary>Reads an address or fails the action with InvalidInput naming <paramref name="what"/>.</summary>
    /// <exception cref="ActionFailedException">Not an address.</exception>
    public static string Parse(string? text, string what)
        => TryParse(text, out var address, out var error) ? address : throw ActionFailedException.InvalidInput($"{what}: {error}");

    /// <summary>Whether two addresses are the same account.</summary>
    public static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
