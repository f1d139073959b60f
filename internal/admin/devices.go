package admin

import "net/http"

// deviceConfig serves GET /api/v1/devices/{name}/config: the device with
// every record its files are built from.
func (s *Server) deviceConfig(w http.ResponseWriter, r *http.Request) error {
	c, err := s.Store.DeviceConfig(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
