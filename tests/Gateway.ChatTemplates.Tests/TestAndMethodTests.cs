namespace Gateway.ChatTemplates.Tests;

public sealed class TestAndMethodTests
{
    [Theory]
    [InlineData("{{ x is defined }}{{ nope is undefined }}{{ none is none }}{{ 's' is string }}{{ 1 is number }}{{ 1.5 is number }}", "TrueTrueTrueTrueTrueTrue")]
    [InlineData("{{ d is mapping }}{{ items is iterable }}{{ items is sequence }}{{ 's' is iterable }}", "TrueTrueTrueTrue")]
    [InlineData("{{ 1 is string }}{{ 'a' is mapping }}{{ 5 is iterable }}{{ nope is defined }}{{ x is none }}", "FalseFalseFalseFalseFalse")]
    [InlineData("{{ x is equalto 5 }}{{ x is eq(5) }}{{ x is not equalto 5 }}{{ x is ne 4 }}", "TrueTrueFalseTrue")]
    [InlineData("{{ true is true }}{{ 1 is true }}{{ false is false }}{{ none is false }}", "TrueFalseTrueFalse")]
    [InlineData("{{ x is divisibleby 5 }}{{ x is odd }}{{ x is even }}{{ x is not odd }}", "TrueTrueFalseFalse")]
    [InlineData("{{ not nope is defined }}|{{ nope is not defined and x is defined }}", "True|True")]
    [InlineData("{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ s.upper() }}|{{ s.lower() }}", "Hi There|Hi There  |  Hi There|  HI THERE  |  hi there  ")]
    [InlineData("{{ 'xxhixx'.strip('x') }}|{{ 'hello world'.title() }}|{{ 'hELLO'.capitalize() }}", "hi|Hello World|Hello")]
    [InlineData("{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}", "['a', 'b', '', 'c']|['a', 'b']|['a', 'b c']")]
    [InlineData("{{ 'hello'.startswith('he') }}|{{ 'hello'.endswith(('x', 'lo')) }}|{{ 'hello'.startswith('lo') }}", "True|True|False")]
    [InlineData("{{ 'aXa'.replace('a', 'b') }}|{{ '{} and {}'.format('a', 1) }}|{{ '-'.join(['a', 'b']) }}|{{ 'abcb'.find('b') }}|{{ 'abcb'.count('b') }}", "bXb|a and 1|a-b|1|2")]
    [InlineData("{{ d.keys() | list }}|{{ d.values() | list }}|{{ d.get('a') }}|{{ d.get('z', 'dflt') }}|{{ d.get('z') }}", "['a', 'b']|[1, 2]|1|dflt|None")]
    [InlineData("{{ messages[0]['content'].split(' ')[-1] }}", "assistant")]
    public void Tests_and_methods_behave_like_Jinja2(string template, string expected)
    {
        Assert.Equal(expected, Jinja.Render(template));
    }

    [Fact]
    public void Raise_exception_throws_the_template_message_verbatim()
    {
        var template = ChatTemplate.Parse("{% if messages | length > 1 %}{{ raise_exception('Too many: ' ~ messages | length) }}{% endif %}");

        var error = Assert.Throws<ChatTemplateException>(() => template.Render(Jinja.Messages, true, "", ""));

        Assert.Equal("Too many: 4", error.Message);
        Assert.True(error.IsRaisedByTemplate);
    }

    [Fact]
    public void Strftime_now_formats_the_local_time_with_Python_directives()
    {
        var clock = new FixedTimeProvider(new DateTimeOffset(2024, 7, 26, 9, 5, 3, TimeSpan.Zero));
        var template = ChatTemplate.Parse(
            "{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %a %j %I%p %%') }}|{{ strftime_now('%-d') }}",
            clock);

        string actual = template.Render([], false, "", "");

        Assert.Equal("26 Jul 2024|2024-07-26 09:05:03 Friday July Fri 208 09AM %|26", actual);
    }

    /// <summary>A clock pinned to one instant, in UTC, so strftime_now output is exact.</summary>
    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}
