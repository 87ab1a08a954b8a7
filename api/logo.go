package api

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoders for the accepted logo formats
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"net/url"
	"regexp"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

// Logo limits: small raster images only (SVG can carry scripts).
const (
	maxLogoBytes = 1 << 20
	maxLogoSide  = 2048
)

var logoTypes = map[string]string{"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}

func (s *workspaceAPI) logoRoutes() {
	s.add(route{Method: http.MethodPut, Path: "/v1/workspace/logo", Tag: "workspace", Action: authz.WorkspaceEditLogo,
		Summary: "Upload the logo: the raw PNG, JPEG or GIF bytes, at most 1 MiB and 2048 px a side",
		Raw:     "image/png", RawAlt: []string{"image/jpeg", "image/gif"}, Response: store.Workspace{}, Handler: s.putLogo})
	s.add(route{Method: http.MethodGet, Path: "/v1/workspace/logo", Tag: "workspace", Action: authz.WorkspaceView,
		Summary: "Download the logo", Raw: "image/png", Handler: s.getLogo})
	s.add(route{Method: http.MethodDelete, Path: "/v1/workspace/logo", Tag: "workspace", Action: authz.WorkspaceEditLogo,
		Summary: "Remove the logo", Status: http.StatusNoContent, Handler: s.deleteLogo})
}

func (s *workspaceAPI) putLogo(c *gin.Context) {
	data, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxLogoBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(c, problem(http.StatusRequestEntityTooLarge, "too-large", "Logo too large", "the logo must be at most 1 MiB"))
			return
		}
		fail(c, badInput("logo", "the logo could not be read"))
		return
	}
	contentType, err := checkLogo(data)
	if err != nil {
		fail(c, err)
		return
	}
	ws := caller(c).Workspace
	auditObject(c, "workspace", ws.ID)
	ws.Logo, ws.LogoType = data, contentType
	if err := store.TouchWorkspace(c.Request.Context(), s.db, ws, "logo", "logo_type"); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ws)
}

// checkLogo accepts only bytes that decode as a PNG, JPEG or GIF of sane size,
// whatever Content-Type the client claimed.
func checkLogo(data []byte) (string, error) {
	if len(data) == 0 {
		return "", badInput("logo", "the body is empty; send the image bytes")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	contentType, known := logoTypes[format]
	if err != nil || !known {
		return "", problem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Not an image",
			"the logo must be a PNG, JPEG or GIF image")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxLogoSide || cfg.Height > maxLogoSide {
		return "", unprocessable("logo", fmt.Sprintf("the logo must be from 1 to %d pixels a side", maxLogoSide))
	}
	// DecodeConfig reads only the header; decode the pixels too (their size is
	// bounded just above) so a truncated or corrupt file is refused now rather
	// than shown broken on every page later.
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return "", unprocessable("logo", "the logo image is truncated or corrupt")
	}
	return contentType, nil
}

func (s *workspaceAPI) getLogo(c *gin.Context) {
	ws := caller(c).Workspace
	if len(ws.Logo) == 0 {
		fail(c, notFound("logo"))
		return
	}
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, ws.LogoType, ws.Logo)
}

func (s *workspaceAPI) deleteLogo(c *gin.Context) {
	ws := caller(c).Workspace
	auditObject(c, "workspace", ws.ID)
	ws.Logo, ws.LogoType = nil, ""
	if err := store.TouchWorkspace(c.Request.Context(), s.db, ws, "logo", "logo_type"); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

func isHexColor(s string) bool { return hexColor.MatchString(s) }

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
