package store

// Source is where a registrant came from: the utm_* parameters of the link that brought them
// to the registration page and the site that linked to it, as the marketing team reads them
// in the API and the exports.
type Source struct {
	UTMSource   string `bun:"utm_source,notnull,default:''" json:"utm_source,omitempty"`
	UTMMedium   string `bun:"utm_medium,notnull,default:''" json:"utm_medium,omitempty"`
	UTMCampaign string `bun:"utm_campaign,notnull,default:''" json:"utm_campaign,omitempty"`
	UTMTerm     string `bun:"utm_term,notnull,default:''" json:"utm_term,omitempty"`
	UTMContent  string `bun:"utm_content,notnull,default:''" json:"utm_content,omitempty"`
	// Referrer is the page of another site that linked to the registration page.
	Referrer string `bun:"referrer,notnull,default:''" json:"referrer,omitempty"`
}

// Bounds of a Source: campaign tags are short labels, a referrer a URL.
const (
	MaxUTMLength      = 200
	MaxReferrerLength = 500
)

// SourceFields are the names of a Source's parts, as query parameters, form fields, JSON
// and export columns spell them.
var SourceFields = []string{"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "referrer"}

// Values lists the parts in SourceFields' order.
func (s *Source) Values() []string {
	return []string{s.UTMSource, s.UTMMedium, s.UTMCampaign, s.UTMTerm, s.UTMContent, s.Referrer}
}

// Set sets the part named field (one of SourceFields); other names are ignored.
func (s *Source) Set(field, v string) {
	switch field {
	case "utm_source":
		s.UTMSource = v
	case "utm_medium":
		s.UTMMedium = v
	case "utm_campaign":
		s.UTMCampaign = v
	case "utm_term":
		s.UTMTerm = v
	case "utm_content":
		s.UTMContent = v
	case "referrer":
		s.Referrer = v
	}
}

// Clean trims every part and checks it is text within its bound.
func (s *Source) Clean() error {
	out := Source{}
	for i, v := range s.Values() {
		field, max := SourceFields[i], MaxUTMLength
		if field == "referrer" {
			max = MaxReferrerLength
		}
		clean, err := CleanText(field, v, max)
		if err != nil {
			return err
		}
		out.Set(field, clean)
	}
	*s = out
	return nil
}
