// Package udpraw reads and writes bare non-blocking UDP sockets for event
// loops that poll many of them from one goroutine: the TFTP engine's
// transfers and the load generator's clients. The calls do not allocate
// and, since a non-blocking socket never sleeps, do not tell the scheduler
// (RawSyscall); only Poll with a wait does. Linux only.
package udpraw
