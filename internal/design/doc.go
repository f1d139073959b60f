// Package design holds no code: its tests check that the tree keeps the
// rules of the team's DESIGN.md — imports point down the layers, the codec,
// the renderers and the domain are pure, nothing below the source seam
// imports an edge, no exported mutable package variables, and functions
// fit on a screen.
package design
