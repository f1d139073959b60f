package console

import (
	"fmt"
	"html/template"
	"net/http"
	"time"
)

// chartView is one chart of the overview, drawn.
type chartView struct {
	ID  string
	SVG template.HTML
}

// charts draws the overview's charts from the sampler's points: serving
// (in progress against the limit) and one per rate.
func (c *Console) charts() []chartView {
	pts, _ := c.samples.snapshot()
	end := time.Now()
	if n := len(pts[0]); n > 0 {
		end = pts[0][n-1].at
	}
	out := []chartView{{ID: "serving", SVG: template.HTML(chartSVG("serving", "Serving now", end, []chartLine{
		{Class: "limit", Label: "limit", Points: pts[1]}, {Class: "main", Label: "in progress", Points: pts[0]}}))}}
	for i, def := range chartSeries[2:] {
		out = append(out, chartView{ID: def.id, SVG: template.HTML(chartSVG(def.id, def.title, end,
			[]chartLine{{Class: "main", Points: pts[i+2]}}))})
	}
	return out
}

// overviewData is the overview page's.
type overviewData struct {
	Charts []chartView
	Every  string
}

// overview serves GET /ui/overview.
func (c *Console) overview(w http.ResponseWriter, r *http.Request, ses session) error {
	return c.render(w, r, http.StatusOK, "overview", ses, overviewData{Charts: c.charts(), Every: fmt.Sprint(c.cfg.SampleEvery)})
}
