require "json"
require_relative "problem"
require "securerandom"
require "strscan"

module HttpContract
  # The parser of application/json request bodies (config/initializers/request_bodies.rb): it
  # refuses bytes that are not UTF-8 and any unpaired UTF-16 surrogate (`"\ud800"`), which JSON
  # parsers either refuse with a vague error or turn into bytes that are not UTF-8, so that
  # neither is ever stored. Rails wraps the InvalidRequest it raises in
  # ActionDispatch::Http::Parameters::ParseError (as its `cause`), which ProblemDetails answers
  # with 400 and the InvalidRequest's errors.
  module JsonParser
    # A \u escape of a surrogate pair, of a lone surrogate, or any other escape (so that `\\`
    # followed by `ud800` is read as the text it is).
    ESCAPE = /\\(?:u(?<high>[dD][89abAB]\h\h)\\u(?<low>[dD][c-fC-F]\h\h)|u(?<lone>[dD][89a-fA-F]\h\h)|.)/m

    module_function

    # Rails' contract for a parameter parser: the body's parameters as a Hash; a JSON value that
    # is not an object is given as `_json`, as Rails' own parser does.
    def parse(raw)
      text = raw.dup.force_encoding(Encoding::UTF_8)
      raise InvalidRequest, "The request body is not UTF-8" unless text.valid_encoding?

      marker = "\u0000#{SecureRandom.hex(8)}\u0000"
      marked, lone = mark_lone_surrogates(text, marker)
      data = JSON.parse(marked)
      raise InvalidRequest.new("The request body holds an unpaired UTF-16 surrogate", pointers_to(data, marker)) if lone

      data.is_a?(Hash) ? data : { "_json" => data }
    rescue JSON::ParserError, JSON::NestingError
      raise InvalidRequest, "The request body is not valid JSON"
    end

    # The text with each escaped lone surrogate replaced by the marker, and whether there was one.
    def mark_lone_surrogates(text, marker)
      scanner = StringScanner.new(text)
      out = +""
      lone = false
      until scanner.eos?
        if scanner.scan(/[^\\]+/)
          out << scanner.matched
        elsif scanner.scan(ESCAPE)
          lone ||= !scanner[:lone].nil?
          out << (scanner[:lone] ? JSON.generate(marker)[1..-2] : scanner.matched)
        else
          out << scanner.getch
        end
      end
      [ out, lone ]
    end

    # JSON Pointers (RFC 6901) to the strings that hold the marker.
    def pointers_to(value, marker, pointer = "")
      case value
      when Hash
        value.flat_map { |key, member| pointers_to(member, marker, "#{pointer}/#{key.to_s.gsub("~", "~0").gsub("/", "~1")}") }
      when Array
        value.each_with_index.flat_map { |member, index| pointers_to(member, marker, "#{pointer}/#{index}") }
      when String
        value.include?(marker) ? [ { pointer: pointer, detail: "#{pointer.delete_prefix("/")} holds an unpaired UTF-16 surrogate" } ] : []
      else
        []
      end
    end
  end
end
