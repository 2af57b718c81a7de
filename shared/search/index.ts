import { validateSearchQuery, type SearchResource } from './fields.js';
import { parseSearchSyntax, type SearchQuery } from './parse.js';

export {
  MAX_SEARCH_CLAUSES,
  MIN_SUBSTRING_LENGTH,
  SearchQueryError,
  SearchQuerySyntaxError,
  parseSearchSyntax,
  type SearchClause,
  type SearchOperator,
  type SearchQuery,
  type SearchValue,
} from './parse.js';
export {
  SearchQueryValidationError,
  getSearchField,
  searchFields,
  validateSearchQuery,
  type SearchField,
  type SearchFieldType,
  type SearchResource,
} from './fields.js';

/** Parses and validates a `query` for one resource; throws a SearchQueryError subclass on bad input. */
export function parseSearchQuery(resource: SearchResource, text: string): SearchQuery {
  return validateSearchQuery(resource, parseSearchSyntax(text));
}
