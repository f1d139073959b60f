package main

import "runtime/debug"

// version is the release this binary was built as, set at link time by
// scripts/package (-ldflags "-X main.version=V"); empty in a plain go build.
var version string

// versionString returns the version "cmtftp --version" prints: the one set
// at link time, else the module version Go recorded (go install …@v1.2.3),
// else "dev".
func versionString() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
