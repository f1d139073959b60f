package render

import "cmtftp/internal/domain"

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

// langCodes maps the user-locale directory names of Cisco locale installers
// to the langCode phones expect; unknown names fall back to en_US.
var langCodes = map[string]string{
	"English_United_States": "en_US", "English_United_Kingdom": "en_GB", "French_France": "fr_FR",
	"French_Canada": "fr_CA", "German_Germany": "de_DE", "Spanish_Spain": "es_ES", "Italian_Italy": "it_IT",
	"Dutch_Netherlands": "nl_NL", "Portuguese_Brazil": "pt_BR", "Portuguese_Portugal": "pt_PT",
	"Japanese_Japan": "ja_JP", "Chinese_China": "zh_CN", "Korean_Korea_Republic": "ko_KR",
	"Swedish_Sweden": "sv_SE", "Danish_Denmark": "da_DK", "Norwegian_Norway": "no_NO", "Finnish_Finland": "fi_FI",
	"Polish_Poland": "pl_PL", "Russian_Russian_Federation": "ru_RU", "Czech_Czech_Republic": "cs_CZ",
}

func langCode(locale string) string {
	if c, ok := langCodes[locale]; ok {
		return c
	}
	return "en_US"
}

// winCharSet is what CUCM writes for a locale: UTF-8 for the Asian and
// Cyrillic locales, ISO-8859-1 otherwise.
func winCharSet(locale string) string {
	switch langCode(locale) {
	case "ja_JP", "zh_CN", "ko_KR", "ru_RU":
		return "utf-8"
	}
	return "iso-8859-1"
}
