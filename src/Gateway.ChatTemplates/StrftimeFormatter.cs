using System.Globalization;
using System.Text;

namespace Gateway.ChatTemplates;

/// <summary>Python <c>strftime</c> directives (C locale), as Llama 3.x templates use for "Today Date: 26 Jul 2024".</summary>
internal static class StrftimeFormatter
{
    public static string Format(string format, DateTime time)
    {
        var culture = CultureInfo.InvariantCulture;
        var sb = new StringBuilder(format.Length + 16);
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%' || i + 1 >= format.Length)
            {
                sb.Append(c);
                continue;
            }

            char directive = format[++i];
            sb.Append(directive switch
            {
                'd' => time.Day.ToString("00", culture),
                '-' when i + 1 < format.Length => NonPadded(format[++i], time),
                'm' => time.Month.ToString("00", culture),
                'Y' => time.Year.ToString("0000", culture),
                'y' => (time.Year % 100).ToString("00", culture),
                'B' => culture.DateTimeFormat.GetMonthName(time.Month),
                'b' or 'h' => culture.DateTimeFormat.GetAbbreviatedMonthName(time.Month),
                'A' => culture.DateTimeFormat.GetDayName(time.DayOfWeek),
                'a' => culture.DateTimeFormat.GetAbbreviatedDayName(time.DayOfWeek),
                'H' => time.Hour.ToString("00", culture),
                'I' => (((time.Hour + 11) % 12) + 1).ToString("00", culture),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'M' => time.Minute.ToString("00", culture),
                'S' => time.Second.ToString("00", culture),
                'j' => time.DayOfYear.ToString("000", culture),
                'w' => ((int)time.DayOfWeek).ToString(culture),
                'F' => time.ToString("yyyy-MM-dd", culture),
                'T' => time.ToString("HH:mm:ss", culture),
                '%' => "%",
                _ => "%" + directive,
            });
        }

        return sb.ToString();
    }

    /// <summary>glibc's <c>%-d</c> style (no zero padding), which some templates use.</summary>
    private static string NonPadded(char directive, DateTime time) => directive switch
    {
        'd' => time.Day.ToString(CultureInfo.InvariantCulture),
        'm' => time.Month.ToString(CultureInfo.InvariantCulture),
        'H' => time.Hour.ToString(CultureInfo.InvariantCulture),
        'I' => (((time.Hour + 11) % 12) + 1).ToString(CultureInfo.InvariantCulture),
        'M' => time.Minute.ToString(CultureInfo.InvariantCulture),
        'S' => time.Second.ToString(CultureInfo.InvariantCulture),
        _ => "%-" + directive,
    };
}
