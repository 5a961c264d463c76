package main

import "sort"

// worldFlags are the flags that shape a new world. A world restored from
// -state FILE keeps the settings it was saved with (fake.Restore takes
// them from the snapshot, and its instances are in its journal), so these
// flags do nothing to it.
var worldFlags = map[string]bool{
	"instances": true, "instance-cpu": true, "instance-memory": true, "region": true, "account": true,
	"seed": true, "quota": true, "eventual-consistency": true,
}

// ignoredOnRestore lists, sorted and with their dash, the world-shaping
// flags set on the command line: the ones a restored world ignores.
func ignoredOnRestore(o options) []string {
	var names []string
	for name := range o.set {
		if worldFlags[name] {
			names = append(names, "-"+name)
		}
	}
	sort.Strings(names)
	return names
}
