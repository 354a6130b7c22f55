using System.Text;

namespace Gateway.ChatTemplates;

/// <summary>Python's string casing and replacement rules, shared by filters and string methods.</summary>
internal static class TextCase
{
    /// <summary>First character upper-cased, the rest lower-cased (Python <c>str.capitalize</c>).</summary>
    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary>Each run of letters starts upper-case and continues lower-case (Python <c>str.title</c>).</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool previousIsLetter = false;
        foreach (char c in s)
        {
            sb.Append(previousIsLetter ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousIsLetter = char.IsLetter(c);
        }

        return sb.ToString();
    }

    public static string Replace(string s, string oldValue, string newValue, long count)
    {
        if (count < 0)
        {
            return oldValue.Length == 0 ? InsertBetweenAll(s, newValue) : s.Replace(oldValue, newValue, StringComparison.Ordinal);
        }

        var sb = new StringBuilder();
        int pos = 0;
        for (long done = 0; done < count; done++)
        {
            int found = s.IndexOf(oldValue, pos, StringComparison.Ordinal);
            if (found < 0 || oldValue.Length == 0)
            {
                break;
            }

            sb.Append(s, pos, found - pos).Append(newValue);
            pos = found + oldValue.Length;
        }

        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    public static int CountOccurrences(string s, string sub)
    {
        if (sub.Length == 0)
        {
            return s.Length + 1;
        }

        int count = 0;
        for (int i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string InsertBetweenAll(string s, string insert)
    {
        var sb = new StringBuilder(insert);
        foreach (char c in s)
        {
            sb.Append(c).Append(insert);
        }

        return sb.ToString();
    }
}
