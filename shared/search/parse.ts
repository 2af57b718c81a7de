/**
 * Stripe's search query language (https://docs.stripe.com/search#search-query-language), parsed once
 * here so that the REST `search` endpoints and the dashboard search box accept exactly the same text.
 * This module knows only the syntax; which fields exist per resource lives in fields.ts.
 *
 * Grammar (EBNF; whitespace is any Unicode white space):
 *
 *   query      = ws , clause , { separator , clause } , ws ;
 *   separator  = ws1 , [ keyword , ws1 ] ;          (* a bare space means AND, as in Stripe *)
 *   keyword    = "AND" | "OR" ;                     (* case-insensitive, as in Stripe *)
 *   clause     = [ "-" ] , field , [ ws , "[" , ws , string , ws , "]" ] , ws , operator , ws , value ;
 *   field      = ( letter | "_" ) , { letter | digit | "_" | "." } ;
 *   operator   = ":" | "~" | ">=" | "<=" | ">" | "<" ;
 *   value      = string | bare ;
 *   string     = '"' , { char - ( '"' | "\" ) | escape } , '"'
 *              | "'" , { char - ( "'" | "\" ) | escape } , "'" ;
 *   escape     = "\" , char ;                       (* \" \' \\ unescape; any other pair is kept as is *)
 *   bare       = ( bare_char | "-" , digit ) , { bare_char | "-" } ;
 *   bare_char  = letter | digit | "_" | "." | "@" | "+" ;
 *
 * Words are read greedily, so "ANDx" is a field name, not a keyword. A bare value is a number when it
 * is written the way JavaScript prints that number (1000, -5, 12.5) and the string otherwise, so
 * `last4:0042` keeps its zeros; the bare word `null` is the null value, while `"null"` is a string.
 *
 * Rules outside the grammar, each reported with its position:
 *   - AND and OR cannot be mixed in one query (there are no parentheses to say which binds first);
 *   - at most MAX_SEARCH_CLAUSES clauses;
 *   - `~` needs a value of at least MIN_SUBSTRING_LENGTH characters;
 *   - `null` is only meaningful with `:`.
 */

export type SearchOperator = ':' | '~' | '>' | '<' | '>=' | '<=';
export type SearchValue = string | number | null;

export interface SearchClause {
  field: string;
  /** Only for `metadata["key"]`. */
  metadataKey?: string;
  op: SearchOperator;
  value: SearchValue;
  negated: boolean;
}

export interface SearchQuery {
  combinator: 'and' | 'or';
  clauses: SearchClause[];
}

export const MAX_SEARCH_CLAUSES = 10;
export const MIN_SUBSTRING_LENGTH = 3;

/** Base class so callers can map every bad query to one API error (`search_query_invalid`, param `query`). */
export class SearchQueryError extends Error {
  override name = 'SearchQueryError';
}

export class SearchQuerySyntaxError extends SearchQueryError {
  override name = 'SearchQuerySyntaxError';
  /** 0-based index into the query text, for highlighting in the dashboard. */
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.position = position;
  }
}

type TokenKind = 'word' | 'string' | 'op' | 'minus' | 'punct' | 'eof';

interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  /** Decoded content for strings; same as text otherwise. */
  value: string;
  start: number;
  end: number;
}

const OPERATORS: readonly string[] = [':', '~', '>', '<', '>=', '<='];
const OPERATOR_LIST = OPERATORS.join(', ');
const BARE_CHAR = /[\p{L}\p{N}_.@+]/u;
const FIELD_NAME = /^[\p{L}_][\p{L}\p{N}_.]*$/u;
const WHITESPACE = /\s/u;

function at(position: number): string {
  return `at position ${position}`;
}

function describe(token: Token): string {
  return token.kind === 'eof' ? 'the end of the query' : `"${token.text}"`;
}

function found(token: Token): string {
  return token.kind === 'eof' ? '' : `, found ${describe(token)}`;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, value = text.slice(start, end)) => {
    tokens.push({ kind, text: text.slice(start, end), value, start, end });
  };

  while (i < text.length) {
    const ch = text[i]!;
    const start = i;
    if (WHITESPACE.test(ch)) {
      i++;
    } else if (ch === '"' || ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new SearchQuerySyntaxError(`Expected a closing ${ch} for the string that starts ${at(start)}`, start);
        }
        const c = text[i]!;
        if (c === ch) break;
        if (c === '\\' && i + 1 < text.length) {
          const next = text[i + 1]!;
          // Unknown escapes stay literal so a pasted Windows path or regex-looking text survives.
          value += next === '"' || next === "'" || next === '\\' ? next : c + next;
          i += 2;
        } else {
          value += c;
          i++;
        }
      }
      i++;
      push('string', start, i, value);
    } else if ((ch === '>' || ch === '<') && text[i + 1] === '=') {
      i += 2;
      push('op', start, i);
    } else if (ch === ':' || ch === '~' || ch === '>' || ch === '<' || ch === '=') {
      // '=' is not an operator, but lexing it lets the parser suggest ':' instead.
      i++;
      push('op', start, i);
    } else if (ch === '[' || ch === ']' || ch === '(' || ch === ')') {
      i++;
      push('punct', start, i);
    } else if (BARE_CHAR.test(ch) || (ch === '-' && /\d/.test(text[i + 1] ?? ''))) {
      i++;
      while (i < text.length && (BARE_CHAR.test(text[i]!) || text[i] === '-')) i++;
      push('word', start, i);
    } else if (ch === '-') {
      i++;
      push('minus', start, i);
    } else {
      throw new SearchQuerySyntaxError(
        `Unexpected character "${ch}" ${at(start)}; put values that contain it in double quotes`,
        start,
      );
    }
  }
  push('eof', text.length, text.length);
  return tokens;
}

function isKeyword(token: Token): boolean {
  if (token.kind !== 'word') return false;
  const upper = token.text.toUpperCase();
  return upper === 'AND' || upper === 'OR';
}

function bareValue(text: string): SearchValue {
  if (text === 'null') return null;
  const n = Number(text);
  return Number.isFinite(n) && String(n) === text ? n : text;
}

class Parser {
  private i = 0;
  private readonly tokens: Token[];

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const token = this.tokens[this.i]!;
    if (token.kind !== 'eof') this.i++;
    return token;
  }

  parseQuery(): SearchQuery {
    const clauses: SearchClause[] = [];
    let joiner: { combinator: 'and' | 'or'; label: string; position: number } | undefined;

    for (;;) {
      const start = this.peek();
      if (clauses.length === MAX_SEARCH_CLAUSES) {
        throw new SearchQuerySyntaxError(
          `A query can have at most ${MAX_SEARCH_CLAUSES} clauses; clause ${MAX_SEARCH_CLAUSES + 1} starts ${at(start.start)}`,
          start.start,
        );
      }
      clauses.push(this.parseClause());

      const previousEnd = this.tokens[this.i - 1]!.end;
      const token = this.peek();
      if (token.kind === 'eof') break;
      if (token.kind !== 'word' && token.kind !== 'minus') {
        const hint = token.text === '(' || token.text === ')' ? '; parentheses are not supported' : '';
        throw new SearchQuerySyntaxError(
          `Expected AND, OR or the end of the query ${at(token.start)}${found(token)}${hint}`,
          token.start,
        );
      }
      if (token.start === previousEnd) {
        throw new SearchQuerySyntaxError(`Expected a space between clauses ${at(token.start)}${found(token)}`, token.start);
      }

      let current: NonNullable<typeof joiner>;
      if (isKeyword(token)) {
        this.next();
        const keyword = token.text.toUpperCase();
        current = { combinator: keyword === 'AND' ? 'and' : 'or', label: `"${keyword}"`, position: token.start };
        const after = this.peek();
        if (after.kind === 'eof') {
          throw new SearchQuerySyntaxError(`Expected a clause after "${token.text}" ${at(after.start)}`, after.start);
        }
        if (after.start === token.end) {
          throw new SearchQuerySyntaxError(`Expected a space after "${token.text}" ${at(after.start)}`, after.start);
        }
      } else {
        current = { combinator: 'and', label: 'a space (which means AND)', position: previousEnd };
      }

      if (joiner && joiner.combinator !== current.combinator) {
        const [andJoin, orJoin] = joiner.combinator === 'and' ? [joiner, current] : [current, joiner];
        throw new SearchQuerySyntaxError(
          `Cannot mix AND and OR in one query: clauses are joined by ${andJoin.label} ${at(andJoin.position)} ` +
            `and by "OR" ${at(orJoin.position)}. Stripe's search language has no parentheses, so use only AND or only OR`,
          current.position,
        );
      }
      joiner ??= current;
    }

    return { combinator: joiner?.combinator ?? 'and', clauses };
  }

  private parseClause(): SearchClause {
    let negated = false;
    if (this.peek().kind === 'minus') {
      const minus = this.next();
      negated = true;
      const after = this.peek();
      if (after.kind !== 'word' || after.start !== minus.end) {
        throw new SearchQuerySyntaxError(`Expected a field name right after "-" ${at(minus.end)}`, minus.end);
      }
    }

    const fieldToken = this.next();
    if (fieldToken.kind !== 'word' || !FIELD_NAME.test(fieldToken.text) || isKeyword(fieldToken)) {
      const what = isKeyword(fieldToken) ? 'a clause' : 'a field name';
      const hint = fieldToken.kind === 'string' ? '; field names are not quoted' : '';
      throw new SearchQuerySyntaxError(
        `Expected ${what} such as status:"succeeded" ${at(fieldToken.start)}${found(fieldToken)}${hint}`,
        fieldToken.start,
      );
    }
    const field = fieldToken.text;
    let label = field;

    let metadataKey: string | undefined;
    if (this.peek().text === '[' && this.peek().kind === 'punct') {
      this.next();
      const key = this.next();
      if (key.kind !== 'string') {
        throw new SearchQuerySyntaxError(
          `Expected a quoted key after "${field}[" ${at(key.start)}${found(key)}, as in ${field}["order_id"]`,
          key.start,
        );
      }
      metadataKey = key.value;
      label = `${field}[${key.text}]`;
      const close = this.next();
      if (close.text !== ']' || close.kind !== 'punct') {
        throw new SearchQuerySyntaxError(`Expected "]" after "${field}[${key.text}" ${at(close.start)}${found(close)}`, close.start);
      }
    }

    const opToken = this.next();
    if (opToken.kind !== 'op' || !OPERATORS.includes(opToken.text)) {
      const hint = opToken.text === '=' ? '; use ":" for an exact match' : '';
      throw new SearchQuerySyntaxError(
        `Expected an operator (${OPERATOR_LIST}) after "${label}" ${at(opToken.start)}${found(opToken)}${hint}`,
        opToken.start,
      );
    }
    const op = opToken.text as SearchOperator;
    label += op;

    const valueToken = this.next();
    let value: SearchValue;
    if (valueToken.kind === 'string') {
      value = valueToken.value;
    } else if (valueToken.kind === 'word' && !isKeyword(valueToken)) {
      value = bareValue(valueToken.text);
      if (value === null && op !== ':') {
        throw new SearchQuerySyntaxError(
          `Expected a value other than null after "${label}" ${at(valueToken.start)}; null only works with ":"`,
          valueToken.start,
        );
      }
    } else {
      // A bare AND/OR here almost always means the value was forgotten (`amount> AND ...`).
      const hint = isKeyword(valueToken) ? '; quote it to search for the word itself' : '';
      throw new SearchQuerySyntaxError(
        `Expected a value after "${label}" ${at(valueToken.start)}${found(valueToken)}${hint}`,
        valueToken.start,
      );
    }

    if (op === '~') {
      // Stripe's limit; shorter needles match nearly every row and cannot use an index.
      const needle = String(value);
      if ([...needle].length < MIN_SUBSTRING_LENGTH) {
        throw new SearchQuerySyntaxError(
          `Expected at least ${MIN_SUBSTRING_LENGTH} characters for a substring search after "${label}" ` +
            `${at(valueToken.start)}, found ${valueToken.kind === 'string' ? valueToken.text : `"${valueToken.text}"`}`,
          valueToken.start,
        );
      }
    }

    const clause: SearchClause = { field, op, value, negated };
    if (metadataKey !== undefined) clause.metadataKey = metadataKey;
    return clause;
  }
}

/**
 * Parses query text into an AST without knowing the resource; use parseSearchQuery (index.ts) to also
 * check fields and coerce values.
 */
export function parseSearchSyntax(text: string): SearchQuery {
  return new Parser(tokenize(text)).parseQuery();
}
