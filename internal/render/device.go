package render

import (
	"cmtftp/internal/domain"
	"strconv"
)

// Values that depend on more than one record.

func userLocale(c *domain.DeviceConfig) string {
	switch {
	case c.Device.UserLocale != "":
		return c.Device.UserLocale
	case c.Profile != nil && c.Profile.UserLocale != "":
		return c.Profile.UserLocale
	}
	return c.Pool.UserLocale
}

func networkLocale(c *domain.DeviceConfig) string {
	if c.Device.NetworkLocale != "" {
		return c.Device.NetworkLocale
	}
	return c.Pool.NetworkLocale
}

// loadID is the device's load override, or its model's default for its protocol.
func loadID(c *domain.DeviceConfig) string {
	if c.Device.Load != "" {
		return c.Device.Load
	}
	return c.Model.Load(c.Device.Protocol)
}

// url returns a device's override of an enterprise URL, or the parameter.
func url(c *domain.DeviceConfig, override, param string) string {
	if override != "" {
		return override
	}
	return c.Params[param]
}

func securityMode(m string) string {
	switch m {
	case domain.SecurityAuthenticated:
		return "2"
	case domain.SecurityEncrypted:
		return "3"
	}
	return "1"
}

func itoa(n int) string { return strconv.Itoa(n) }
