extension String {
    /// nil for an empty text: optional fields are stored as NULL, not "".
    public var nilIfEmpty: String? { isEmpty ? nil : self }
}
