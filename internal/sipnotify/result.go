package sipnotify

// The results of one device's reset.
const (
	// ResultAnswered: the phone answered 2xx.
	ResultAnswered = "answered"
	// ResultRejected: the phone answered with an error (489 Bad Event …).
	ResultRejected = "rejected"
	// ResultNoAnswer: no final answer within the timeout, or the NOTIFY
	// could not be sent.
	ResultNoAnswer = "no-answer"
	// ResultNotSent: nothing was sent (an SCCP phone, a phone never seen).
	ResultNotSent = "not-sent"
)

// Result is what became of one Target.
type Result struct {
	// Result is one of the Result… words.
	Result string
	// Status is the SIP status of the final answer; 0 when none came.
	Status int
	// Detail is the answer's reason phrase, or why none came.
	Detail string
}
