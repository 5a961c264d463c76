// Package logfilter is the pure core of CloudWatch Logs filter patterns, as
// FilterLogEvents applies them: Parse turns a pattern into a Pattern (or an
// error naming what is malformed), and Pattern.Match decides one message.
// Nothing here touches state, clocks or locks.
//
// The syntax follows the CloudWatch Logs User Guide, "Filter pattern syntax
// for metric filters, subscription filters, filter log events, and Live
// Tail":
//
//   - "" matches every event.
//   - Unstructured terms: ERROR matches events containing ERROR
//     (case-sensitive); several terms must all appear (ERROR Exception);
//     a quoted term is a phrase matched as is ("Connection refused",
//     needed for terms with non-alphanumeric characters); -term excludes
//     events containing it; ?term terms match when any one of them
//     appears (?ERROR ?WARN). Plain, excluded and ?terms combine: every
//     plain term, no excluded term, and at least one ?term when there are
//     any.
//   - JSON: { SELECTOR OP VALUE } on events whose message is a JSON
//     object, where SELECTOR is $.a.b or $.a[0].b, OP is = or != (string
//     values, quoted or bare, with * as a wildcard; numbers) or <, >, <=,
//     >= (numbers), plus IS TRUE, IS FALSE, IS NULL and NOT EXISTS;
//     conditions combine with && and || (&& binds tighter) and
//     parentheses. A JSON pattern never matches a message that is not a
//     JSON object.
//
// Not supported (Parse says so): space-delimited patterns ([ip, user,
// ...]), regular expressions (%...%) and IN / NOT IN lists.
package logfilter
