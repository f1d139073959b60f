package domain

// DeviceConfig is one device with every record its files are built from.
// Lines are the device's own, or the logged-in profile's.
type DeviceConfig struct {
	Device     Device
	Model      Model
	Pool       Pool
	Group      Group
	Servers    []Server // in group priority order
	Lines      []ConfigLine
	SIPProfile *SIPProfile
	DialPlan   *DialPlan // the profile's when logged in and it names one
	Softkey    *SoftkeyTemplate
	Login      *Login
	Profile    *DeviceProfile
	Params     ParamValues
}

// ConfigLine is a line on a button.
type ConfigLine struct {
	Button int
	Line   Line
}
