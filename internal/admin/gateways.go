package admin

import (
	"context"
	"net/http"
	"net/url"

	"cmtftp/internal/domain"
)

// gatewayConfig serves GET /api/v1/gateways/{name}/config: the gateway
// with every record its files are built from. The name may also be an
// ATA 190's second port (ATA and the shifted MAC).
func (s *Server) gatewayConfig(w http.ResponseWriter, r *http.Request) error {
	c, err := s.Store.GatewayConfig(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// GatewayConfig returns a gateway with every record its files are built
// from; name may be an ATA 190's second port's.
func (c *Client) GatewayConfig(ctx context.Context, name string) (*domain.GatewayConfig, error) {
	var g domain.GatewayConfig
	_, err := c.do(ctx, http.MethodGet, "/api/v1/gateways/"+url.PathEscape(name)+"/config", nil, &g)
	return &g, err
}
