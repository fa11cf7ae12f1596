// Package config reads Hark's configuration file, hark.yaml, and validates
// it before any hardware is touched: every problem is reported at once as
// `file:line: key: problem`. Keys a file leaves out keep their Default
// values; pin names are parsed by pins.ParseName and stored in the form
// pins.Open looks up, so a configuration that passes `hark config check`
// finds its pins at run time.
package config
