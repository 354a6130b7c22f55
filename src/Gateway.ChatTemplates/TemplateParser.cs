using System.Globalization;
using System.Runtime.CompilerServices;

namespace Gateway.ChatTemplates;

/// <summary>
/// Recursive-descent parser from lexer tokens to statement and expression nodes, following Jinja2's grammar and
/// operator precedence (conditional, or, and, not, comparison, + -, ~, * / // %, **, unary, postfix, filters/tests).
/// Filters and tests are resolved here so an unknown name fails when the template is loaded.
/// </summary>
internal sealed class TemplateParser
{
    private static readonly string[] ComparisonOperators = ["==", "!=", "<", "<=", ">", ">="];

    private readonly List<Token> _tokens;
    private int _position;
    private const int MaxNesting = 128;

    private int _loopDepth;
    private int _nesting;

    private TemplateParser(List<Token> tokens) => _tokens = tokens;

    private Token Current => _tokens[_position];

    public static IReadOnlyList<Statement> Parse(List<Token> tokens)
    {
        var parser = new TemplateParser(tokens);
        var body = parser.ParseBody([], out _, openingOffset: 0);
        return body;
    }

    private Token Peek(int ahead = 1) => _tokens[Math.Min(_position + ahead, _tokens.Count - 1)];

    private Token Advance() => _tokens[_position++];

    private List<Statement> ParseBody(string[] terminators, out string terminator, int openingOffset)
    {
        var body = new List<Statement>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Text:
                    Advance();
                    body.Add(new TextStatement(token.Offset, token.Value));
                    break;
                case TokenKind.VariableBegin:
                    Advance();
                    var expression = ParseExpression();
                    Expect(TokenKind.VariableEnd, "'}}'");
                    body.Add(new OutputStatement(token.Offset, expression));
                    break;
                case TokenKind.BlockBegin:
                    var keyword = Peek();
                    if (keyword.Kind != TokenKind.Name)
                    {
                        throw new TemplateError(keyword.Offset, "Expected a tag name after '{%'");
                    }

                    if (Array.IndexOf(terminators, keyword.Value) >= 0)
                    {
                        _position += 2;
                        terminator = keyword.Value;
                        return body;
                    }

                    Advance();
                    ParseStatement(body);
                    break;
                case TokenKind.End:
                    if (terminators.Length > 0)
                    {
                        throw new TemplateError(openingOffset, $"Unclosed tag: expected '{{% {string.Join("' or '{% ", terminators)} %}}' before the end of the template");
                    }

                    terminator = string.Empty;
                    return body;
                default:
                    throw new TemplateError(token.Offset, $"Unexpected token '{token.Value}'");
            }
        }
    }

    private void ParseStatement(List<Statement> body)
    {
        EnterNesting();
        try
        {
            ParseStatementCore(body);
        }
        finally
        {
            _nesting--;
        }
    }

    private void ParseStatementCore(List<Statement> body)
    {
        var keyword = Advance();
        switch (keyword.Value)
        {
            case "if":
                body.Add(ParseIf(keyword));
                break;
            case "for":
                body.Add(ParseFor(keyword));
                break;
            case "set":
                body.Add(ParseSet(keyword));
                break;
            case "macro":
                body.Add(ParseMacro(keyword));
                break;
            case "call":
                body.Add(ParseCallBlock(keyword));
                break;
            case "filter":
                body.Add(ParseFilterBlock(keyword));
                break;
            case "break" or "continue":
                if (_loopDepth == 0)
                {
                    throw new TemplateError(keyword.Offset, $"'{keyword.Value}' outside of a loop");
                }

                ExpectBlockEnd();
                body.Add(new LoopControlStatement(keyword.Offset, keyword.Value == "break" ? Flow.Break : Flow.Continue));
                break;
            case "generation":
                // Hugging Face's marker for assistant-token masks; it renders its body unchanged.
                ExpectBlockEnd();
                body.AddRange(ParseBody(["endgeneration"], out _, keyword.Offset));
                ExpectBlockEnd();
                break;
            default:
                throw new TemplateError(keyword.Offset, $"Unknown tag '{keyword.Value}'");
        }
    }

    private IfStatement ParseIf(Token keyword)
    {
        var branches = new List<(Expression, IReadOnlyList<Statement>)>();
        var condition = ParseExpression();
        ExpectBlockEnd();
        while (true)
        {
            var branchBody = ParseBody(["elif", "else", "endif"], out string terminator, keyword.Offset);
            branches.Add((condition, branchBody));
            switch (terminator)
            {
                case "elif":
                    condition = ParseExpression();
                    ExpectBlockEnd();
                    continue;
                case "else":
                    ExpectBlockEnd();
                    var elseBody = ParseBody(["endif"], out _, keyword.Offset);
                    ExpectBlockEnd();
                    return new IfStatement(keyword.Offset, branches, elseBody);
                default:
                    ExpectBlockEnd();
                    return new IfStatement(keyword.Offset, branches, null);
            }
        }
    }

    private ForStatement ParseFor(Token keyword)
    {
        var targets = new List<string>();
        bool parenthesized = Current.IsOperator("(");
        if (parenthesized)
        {
            Advance();
        }

        do
        {
            targets.Add(ExpectName("loop variable").Value);
        }
        while (TrySkipOperator(","));

        if (parenthesized)
        {
            ExpectOperator(")");
        }

        if (!Current.IsName("in"))
        {
            throw new TemplateError(Current.Offset, "Expected 'in' in for loop");
        }

        Advance();
        var iterable = ParseExpression(withConditional: false);
        Expression? filter = null;
        if (Current.IsName("if"))
        {
            Advance();
            filter = ParseExpression(withConditional: false);
        }

        if (Current.IsName("recursive"))
        {
            throw new TemplateError(Current.Offset, "Recursive loops are not supported");
        }

        ExpectBlockEnd();
        _loopDepth++;
        var body = ParseBody(["else", "endfor"], out string terminator, keyword.Offset);
        _loopDepth--;
        IReadOnlyList<Statement>? elseBody = null;
        ExpectBlockEnd();
        if (terminator == "else")
        {
            elseBody = ParseBody(["endfor"], out _, keyword.Offset);
            ExpectBlockEnd();
        }

        return new ForStatement(keyword.Offset, targets, iterable, filter, body, elseBody);
    }

    private Statement ParseSet(Token keyword)
    {
        var first = ExpectName("variable name");
        if (TrySkipOperator("."))
        {
            var attribute = ExpectName("attribute name");
            ExpectOperator("=");
            var value = ParseExpression();
            ExpectBlockEnd();
            return new SetAttributeStatement(keyword.Offset, first.Value, attribute.Value, value);
        }

        var targets = new List<string> { first.Value };
        while (TrySkipOperator(","))
        {
            targets.Add(ExpectName("variable name").Value);
        }

        if (Current.Kind == TokenKind.BlockEnd && targets.Count == 1)
        {
            Advance();
            var body = ParseBody(["endset"], out _, keyword.Offset);
            ExpectBlockEnd();
            return new SetBlockStatement(keyword.Offset, first.Value, body);
        }

        ExpectOperator("=");
        var expression = ParseTupleOrExpression();
        ExpectBlockEnd();
        return new SetStatement(keyword.Offset, targets, expression);
    }

    private MacroStatement ParseMacro(Token keyword)
    {
        var name = ExpectName("macro name");
        var parameters = new List<string>();
        var defaults = new List<Expression?>();
        ExpectOperator("(");
        while (!Current.IsOperator(")"))
        {
            if (parameters.Count > 0)
            {
                ExpectOperator(",");
            }

            parameters.Add(ExpectName("parameter name").Value);
            defaults.Add(TrySkipOperator("=") ? ParseExpression() : null);
        }

        ExpectOperator(")");
        ExpectBlockEnd();
        int savedLoopDepth = _loopDepth;
        _loopDepth = 0;
        var body = ParseBody(["endmacro"], out _, keyword.Offset);
        _loopDepth = savedLoopDepth;
        if (Current.Kind == TokenKind.Name)
        {
            Advance();
        }

        ExpectBlockEnd();
        return new MacroStatement(keyword.Offset, name.Value, parameters, defaults, body);
    }

    private CallBlockStatement ParseCallBlock(Token keyword)
    {
        var expression = ParseExpression();
        if (expression is not CallExpression call)
        {
            throw new TemplateError(expression.Offset, "Expected a macro call after 'call'");
        }

        ExpectBlockEnd();
        var body = ParseBody(["endcall"], out _, keyword.Offset);
        ExpectBlockEnd();
        return new CallBlockStatement(keyword.Offset, call, body);
    }

    private FilterBlockStatement ParseFilterBlock(Token keyword)
    {
        var filters = new List<FilterExpression>();
        var placeholder = new ConstantExpression(keyword.Offset, null);
        do
        {
            filters.Add(ParseFilter(placeholder));
        }
        while (TrySkipOperator("|"));

        ExpectBlockEnd();
        var body = ParseBody(["endfilter"], out _, keyword.Offset);
        ExpectBlockEnd();
        return new FilterBlockStatement(keyword.Offset, filters, body);
    }

    private Expression ParseTupleOrExpression()
    {
        var first = ParseExpression();
        if (!Current.IsOperator(","))
        {
            return first;
        }

        var items = new List<Expression> { first };
        while (TrySkipOperator(","))
        {
            items.Add(ParseExpression());
        }

        return new ListExpression(first.Offset, items);
    }

    private Expression ParseExpression(bool withConditional = true)
    {
        EnterNesting();
        try
        {
            return ParseConditional(withConditional);
        }
        finally
        {
            _nesting--;
        }
    }

    /// <summary>Bounds nesting so a pathological template fails with an error rather than overflowing the stack.</summary>
    private void EnterNesting()
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (++_nesting > MaxNesting)
        {
            throw new TemplateError(Current.Offset, $"Template nests deeper than {MaxNesting} levels");
        }
    }

    private Expression ParseConditional(bool withConditional)
    {
        var expression = ParseOr();
        if (!withConditional)
        {
            return expression;
        }

        while (Current.IsName("if"))
        {
            int offset = Advance().Offset;
            var condition = ParseOr();
            Expression? otherwise = null;
            if (Current.IsName("else"))
            {
                Advance();
                otherwise = ParseExpression();
            }

            expression = new ConditionalExpression(offset, condition, expression, otherwise);
        }

        return expression;
    }

    private Expression ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            int offset = Advance().Offset;
            left = new LogicalExpression(offset, isAnd: false, left, ParseAnd());
        }

        return left;
    }

    private Expression ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            int offset = Advance().Offset;
            left = new LogicalExpression(offset, isAnd: true, left, ParseNot());
        }

        return left;
    }

    private Expression ParseNot()
    {
        if (Current.IsName("not"))
        {
            int offset = Advance().Offset;
            return new UnaryExpression(offset, "not", ParseNot());
        }

        return ParseComparison();
    }

    private Expression ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            var token = Current;
            string op;
            if (token.Kind == TokenKind.Operator && Array.IndexOf(ComparisonOperators, token.Value) >= 0)
            {
                op = token.Value;
                Advance();
            }
            else if (token.IsName("in"))
            {
                op = "in";
                Advance();
            }
            else if (token.IsName("not") && Peek().IsName("in"))
            {
                op = "not in";
                _position += 2;
            }
            else
            {
                return left;
            }

            left = new BinaryExpression(token.Offset, op, left, ParseAdditive());
        }
    }

    private Expression ParseAdditive()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var op = Advance();
            left = new BinaryExpression(op.Offset, op.Value, left, ParseConcat());
        }

        return left;
    }

    private Expression ParseConcat()
    {
        var left = ParseMultiplicative();
        while (Current.IsOperator("~"))
        {
            var op = Advance();
            left = new BinaryExpression(op.Offset, "~", left, ParseMultiplicative());
        }

        return left;
    }

    private Expression ParseMultiplicative()
    {
        var left = ParsePower();
        while (Current.IsOperator("*") || Current.IsOperator("/") || Current.IsOperator("//") || Current.IsOperator("%"))
        {
            var op = Advance();
            left = new BinaryExpression(op.Offset, op.Value, left, ParsePower());
        }

        return left;
    }

    private Expression ParsePower()
    {
        var left = ParseUnary(withFilters: true);
        while (Current.IsOperator("**"))
        {
            var op = Advance();
            left = new BinaryExpression(op.Offset, "**", left, ParseUnary(withFilters: true));
        }

        return left;
    }

    private Expression ParseUnary(bool withFilters)
    {
        Expression node;
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            var op = Advance();
            node = new UnaryExpression(op.Offset, op.Value, ParseUnary(withFilters: false));
        }
        else
        {
            node = ParsePostfix(ParsePrimary());
        }

        return withFilters ? ParseFiltersAndTests(node) : node;
    }

    private Expression ParsePrimary()
    {
        var token = Advance();
        switch (token.Kind)
        {
            case TokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new ConstantExpression(token.Offset, true),
                    "false" or "False" => new ConstantExpression(token.Offset, false),
                    "none" or "None" => new ConstantExpression(token.Offset, null),
                    _ => new NameExpression(token.Offset, token.Value),
                };
            case TokenKind.String:
                // Adjacent literals concatenate, as in Python: 'a' 'b' == 'ab'.
                string text = token.Value;
                while (Current.Kind == TokenKind.String)
                {
                    text += Advance().Value;
                }

                return new ConstantExpression(token.Offset, text);
            case TokenKind.Integer:
                return long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long integer)
                    ? new ConstantExpression(token.Offset, integer)
                    : throw new TemplateError(token.Offset, $"Integer literal '{token.Value}' is out of range");
            case TokenKind.Float:
                return new ConstantExpression(token.Offset, double.Parse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture));
            case TokenKind.Operator when token.Value == "(":
                return ParseParenthesized(token);
            case TokenKind.Operator when token.Value == "[":
                return new ListExpression(token.Offset, ParseSequence("]"));
            case TokenKind.Operator when token.Value == "{":
                return ParseDict(token);
            default:
                throw new TemplateError(token.Offset, token.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd or TokenKind.End
                    ? "Unexpected end of expression"
                    : $"Unexpected '{token.Value}' in expression");
        }
    }

    private Expression ParseParenthesized(Token open)
    {
        if (TrySkipOperator(")"))
        {
            return new ListExpression(open.Offset, []);
        }

        var first = ParseExpression();
        if (TrySkipOperator(")"))
        {
            return first;
        }

        var items = new List<Expression> { first };
        while (TrySkipOperator(","))
        {
            if (Current.IsOperator(")"))
            {
                break;
            }

            items.Add(ParseExpression());
        }

        ExpectOperator(")");
        return new ListExpression(open.Offset, items);
    }

    private List<Expression> ParseSequence(string close)
    {
        var items = new List<Expression>();
        while (!TrySkipOperator(close))
        {
            if (items.Count > 0)
            {
                ExpectOperator(",");
                if (TrySkipOperator(close))
                {
                    break;
                }
            }

            items.Add(ParseExpression());
        }

        return items;
    }

    private DictExpression ParseDict(Token open)
    {
        var entries = new List<(Expression, Expression)>();
        while (!TrySkipOperator("}"))
        {
            if (entries.Count > 0)
            {
                ExpectOperator(",");
                if (TrySkipOperator("}"))
                {
                    break;
                }
            }

            var key = ParseExpression();
            ExpectOperator(":");
            entries.Add((key, ParseExpression()));
        }

        return new DictExpression(open.Offset, entries);
    }

    private Expression ParsePostfix(Expression node)
    {
        while (true)
        {
            var token = Current;
            if (token.IsOperator("."))
            {
                Advance();
                var member = Advance();
                node = member.Kind switch
                {
                    TokenKind.Name => new AttributeExpression(member.Offset, node, member.Value),
                    TokenKind.Integer => new ItemExpression(member.Offset, node, new ConstantExpression(member.Offset, long.Parse(member.Value, CultureInfo.InvariantCulture))),
                    _ => throw new TemplateError(member.Offset, "Expected an attribute name after '.'"),
                };
            }
            else if (token.IsOperator("["))
            {
                Advance();
                node = ParseSubscript(token, node);
            }
            else if (token.IsOperator("("))
            {
                Advance();
                node = new CallExpression(token.Offset, node, ParseArguments());
            }
            else
            {
                return node;
            }
        }
    }

    private Expression ParseSubscript(Token open, Expression target)
    {
        Expression? start = Current.IsOperator(":") ? null : ParseExpression();
        if (start is not null && TrySkipOperator("]"))
        {
            return new ItemExpression(open.Offset, target, start);
        }

        ExpectOperator(":");
        Expression? stop = Current.IsOperator(":") || Current.IsOperator("]") ? null : ParseExpression();
        Expression? step = null;
        if (TrySkipOperator(":") && !Current.IsOperator("]"))
        {
            step = ParseExpression();
        }

        ExpectOperator("]");
        return new SliceExpression(open.Offset, target, start, stop, step);
    }

    /// <summary>Parses call arguments after the opening parenthesis, through the closing one.</summary>
    private Arguments ParseArguments()
    {
        var positional = new List<Expression>();
        var named = new List<(string, Expression)>();
        bool first = true;
        while (!TrySkipOperator(")"))
        {
            if (!first)
            {
                ExpectOperator(",");
                if (TrySkipOperator(")"))
                {
                    break;
                }
            }

            first = false;
            if (Current.Kind == TokenKind.Name && Peek().IsOperator("="))
            {
                string name = Advance().Value;
                Advance();
                named.Add((name, ParseExpression()));
            }
            else
            {
                if (named.Count > 0)
                {
                    throw new TemplateError(Current.Offset, "Positional argument follows keyword argument");
                }

                positional.Add(ParseExpression());
            }
        }

        return new Arguments(positional, named);
    }

    private Expression ParseFiltersAndTests(Expression node)
    {
        while (true)
        {
            if (TrySkipOperator("|"))
            {
                node = ParseFilter(node);
            }
            else if (Current.IsName("is"))
            {
                node = ParseTest(node);
            }
            else if (Current.IsOperator("("))
            {
                var open = Advance();
                node = new CallExpression(open.Offset, node, ParseArguments());
            }
            else
            {
                return node;
            }
        }
    }

    private FilterExpression ParseFilter(Expression target)
    {
        var name = ExpectName("filter name");
        if (!BuiltinFilters.TryGet(name.Value, out var filter))
        {
            throw new TemplateError(name.Offset, $"Unknown filter '{name.Value}'");
        }

        var arguments = TrySkipOperator("(") ? ParseArguments() : Arguments.None;
        return new FilterExpression(name.Offset, target, name.Value, filter!, arguments);
    }

    private TestExpression ParseTest(Expression target)
    {
        Advance();
        bool negated = false;
        if (Current.IsName("not"))
        {
            Advance();
            negated = true;
        }

        var name = ExpectName("test name");
        if (!BuiltinTests.TryGet(name.Value, out var test))
        {
            throw new TemplateError(name.Offset, $"Unknown test '{name.Value}'");
        }

        Arguments arguments;
        if (TrySkipOperator("("))
        {
            arguments = ParseArguments();
        }
        else if (StartsTestArgument(Current))
        {
            arguments = new Arguments([ParsePostfix(ParsePrimary())], []);
        }
        else
        {
            arguments = Arguments.None;
        }

        return new TestExpression(name.Offset, target, test!, arguments, negated);
    }

    /// <summary>Jinja lets a test take one argument without parentheses: <c>x is divisibleby 3</c>.</summary>
    private static bool StartsTestArgument(Token token) => token.Kind switch
    {
        TokenKind.Name => token.Value is not ("and" or "or" or "else" or "if" or "in" or "is" or "not"),
        TokenKind.String or TokenKind.Integer or TokenKind.Float => true,
        TokenKind.Operator => token.Value is "[" or "{",
        _ => false,
    };

    private bool TrySkipOperator(string op)
    {
        if (Current.IsOperator(op))
        {
            _position++;
            return true;
        }

        return false;
    }

    private void ExpectOperator(string op)
    {
        if (!TrySkipOperator(op))
        {
            throw new TemplateError(Current.Offset, $"Expected '{op}' but found {Describe(Current)}");
        }
    }

    private Token ExpectName(string what)
    {
        if (Current.Kind != TokenKind.Name)
        {
            throw new TemplateError(Current.Offset, $"Expected {what} but found {Describe(Current)}");
        }

        return Advance();
    }

    private void Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw new TemplateError(Current.Offset, $"Expected {what} but found {Describe(Current)}");
        }

        Advance();
    }

    private void ExpectBlockEnd() => Expect(TokenKind.BlockEnd, "'%}'");

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "end of template",
        TokenKind.BlockEnd => "'%}'",
        TokenKind.VariableEnd => "'}}'",
        TokenKind.String => "a string literal",
        _ => $"'{token.Value}'",
    };
}
