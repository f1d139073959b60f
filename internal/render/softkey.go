package render

import "cmtftp/internal/domain"

// Softkeys renders SK<template>.xml (spec §8): the definitions of the keys
// the template uses, then the keys per call state in the order of the
// call states.
func Softkeys(t *domain.SoftkeyTemplate) []byte {
	w := &xmlw{b: make([]byte, 0, 2048)}
	w.open("softKeyCfg")
	w.el("versionStamp", stampHolder)
	w.open("typeSoftKey")
	seen := map[string]bool{}
	byState := map[string]domain.SoftkeySet{}
	for _, s := range t.Sets {
		byState[s.State] = s
	}
	for _, st := range domain.SoftkeyStates() {
		for _, k := range byState[st].Keys {
			if seen[k] {
				continue
			}
			seen[k] = true
			def, _ := domain.Softkey(k)
			w.open("softKeyDef", "keyID", k)
			w.int("tag", def[0])
			w.int("eventID", def[1])
			w.int("helpID", def[2])
			w.close("softKeyDef")
		}
	}
	w.close("typeSoftKey")
	w.open("softKeySets")
	for _, st := range domain.SoftkeyStates() {
		s, ok := byState[st]
		if !ok {
			continue
		}
		w.open("softKeySet", "id", st)
		for _, k := range s.Keys {
			w.el("softKey", "", "keyID", k)
		}
		w.close("softKeySet")
	}
	w.close("softKeySets")
	w.close("softKeyCfg")
	return stamp(w.b)
}
