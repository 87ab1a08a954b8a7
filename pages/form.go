package pages

// Form is one form on a page: where it posts, its anti-forgery token, and after a refused
// post the values typed and the message beside each wrong field, so nothing typed is lost.
type Form struct {
	Action string
	Token  string
	Values map[string]string
	Errors map[string]string // field name → message, already in the reader's language
	// Problem is a message about the whole form (an expired page, a full session).
	Problem string
}

// NewForm is an empty form posting to action, signed by forms.
func NewForm(forms *Forms, action string) *Form {
	return &Form{Action: action, Token: forms.Token(action), Values: map[string]string{}, Errors: map[string]string{}}
}

// Field is one input as a template draws it.
type Field struct {
	Name, Value, Error string
	// ErrorID is the id of the error's element, for aria-describedby.
	ErrorID string
}

// Field returns the named field's value and error.
func (f *Form) Field(name string) Field {
	fd := Field{Name: name, Value: f.Values[name], Error: f.Errors[name]}
	if fd.Error != "" {
		fd.ErrorID = "error-" + name
	}
	return fd
}

// Fail records a message beside a field.
func (f *Form) Fail(field, message string) { f.Errors[field] = message }

// Invalid reports whether the form has any message to show.
func (f *Form) Invalid() bool { return len(f.Errors) > 0 || f.Problem != "" }
