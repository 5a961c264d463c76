package fake

import (
	"encoding/base64"
	"strconv"
)

// page cuts items by an opaque nextToken and maxResults (1..limit,
// default limit). It returns the page, the next token ("" at the end) and
// an InvalidParameterException for a bad token or maxResults.
func page[T any](items []T, nextToken *string, maxResults *int32, limit int) ([]T, *string, error) {
	n := limit
	if maxResults != nil {
		if *maxResults < 1 || int(*maxResults) > limit {
			return nil, nil, errInvalidParam("maxResults must be between 1 and %d.", limit)
		}
		n = int(*maxResults)
	}
	start := 0
	if nextToken != nil && *nextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(*nextToken)
		if err != nil {
			return nil, nil, errInvalidParam("Invalid token %s", *nextToken)
		}
		v, err := strconv.Atoi(string(raw))
		if err != nil || v < 0 || v > len(items) {
			return nil, nil, errInvalidParam("Invalid token %s", *nextToken)
		}
		start = v
	}
	end := start + n
	if end >= len(items) {
		return items[start:], nil, nil
	}
	tok := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	return items[start:end], &tok, nil
}
