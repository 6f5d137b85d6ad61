// SPDX-License-Identifier: Apache-2.0
// A strict RFC 8259 syntax check (no extensions), enough to tell that `check --json` printed one
// well-formed object. Returns what is wrong, or nullopt.
#pragma once

#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace heapsolve::testing {

class JsonChecker
{
public:
	explicit JsonChecker(std::string_view s) : s_(s) {}

	std::optional<std::string> run()
	{
		skipSpace();
		if (!value(0))
			return error_;
		skipSpace();
		if (pos_ != s_.size())
			return "trailing bytes at " + std::to_string(pos_);
		return std::nullopt;
	}

private:
	bool fail(const std::string &what)
	{
		error_ = what + " at " + std::to_string(pos_);
		return false;
	}
	void skipSpace()
	{
		while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r'))
			++pos_;
	}
	bool literal(std::string_view word)
	{
		if (s_.substr(pos_, word.size()) != word)
			return fail("bad literal");
		pos_ += word.size();
		return true;
	}
	bool string()
	{
		++pos_; // the opening quote
		while (pos_ < s_.size()) {
			const unsigned char c = s_[pos_++];
			if (c == '"')
				return true;
			if (c < 0x20)
				return fail("unescaped control character");
			if (c == '\\') {
				if (pos_ >= s_.size())
					break;
				const char e = s_[pos_++];
				if (e == 'u') {
					for (int i = 0; i < 4; ++i, ++pos_)
						if (pos_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_])))
							return fail("bad \\u escape");
				} else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
					return fail("bad escape");
				}
			}
		}
		return fail("unterminated string");
	}
	bool number()
	{
		const size_t start = pos_;
		if (s_[pos_] == '-')
			++pos_;
		if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_])))
			return fail("bad number");
		if (s_[pos_] == '0' && pos_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_ + 1])))
			return fail("leading zero");
		while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_])))
			++pos_;
		if (pos_ < s_.size() && (s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E'))
			return fail("a fraction or exponent where integers are promised");
		return pos_ > start;
	}
	bool value(int depth)
	{
		if (depth > 64)
			return fail("too deep");
		if (pos_ >= s_.size())
			return fail("unexpected end");
		switch (s_[pos_]) {
		case '{':
		case '[': {
			const char close = s_[pos_] == '{' ? '}' : ']';
			const bool object = close == '}';
			++pos_;
			skipSpace();
			if (pos_ < s_.size() && s_[pos_] == close) {
				++pos_;
				return true;
			}
			for (;;) {
				skipSpace();
				if (object) {
					if (pos_ >= s_.size() || s_[pos_] != '"')
						return fail("expected a key");
					if (!string())
						return false;
					skipSpace();
					if (pos_ >= s_.size() || s_[pos_++] != ':')
						return fail("expected ':'");
					skipSpace();
				}
				if (!value(depth + 1))
					return false;
				skipSpace();
				if (pos_ < s_.size() && s_[pos_] == ',') {
					++pos_;
					continue;
				}
				if (pos_ < s_.size() && s_[pos_] == close) {
					++pos_;
					return true;
				}
				return fail("expected ',' or a closing bracket");
			}
		}
		case '"':
			return string();
		case 't':
			return literal("true");
		case 'f':
			return literal("false");
		case 'n':
			return literal("null");
		default:
			return number();
		}
	}

	std::string_view s_;
	size_t pos_ = 0;
	std::string error_;
};

inline std::optional<std::string> jsonError(std::string_view text)
{
	return JsonChecker(text).run();
}

} // namespace heapsolve::testing
