package fake

import (
	"encoding/base64"
	"strconv"
)

// page cuts items by an opaque nextToken and maxResults (1..limit,
// default limit). It returns the page, the next token ("" at the end) and
// an InvalidParameterException for a bad token or maxResults.
func page[T any](items []T, nextToken *string, maxResults *int32, limit int) ([]T, *string, error) {
	start, end, next, err := pageBounds(len(items), nextToken, maxResults, limit)
	if err != nil {
		return nil, nil, err
	}
	return items[start:end], next, nil
}

// pageBounds is page for a list of total items not built: the window
// [start, end) of this page and the next token (nil at the end).
func pageBounds(total int, nextToken *string, maxResults *int32, limit int) (start, end int, next *string, err error) {
	n := limit
	if maxResults != nil {
		if *maxResults < 1 || int(*maxResults) > limit {
			return 0, 0, nil, errInvalidParam("maxResults must be between 1 and %d.", limit)
		}
		n = int(*maxResults)
	}
	if nextToken != nil && *nextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(*nextToken)
		if err != nil {
			return 0, 0, nil, errInvalidParam("Invalid token %s", *nextToken)
		}
		v, err := strconv.Atoi(string(raw))
		if err != nil || v < 0 || v > total {
			return 0, 0, nil, errInvalidParam("Invalid token %s", *nextToken)
		}
		start = v
	}
	end = start + n
	if end >= total {
		return start, total, nil, nil
	}
	tok := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	return start, end, &tok, nil
}
