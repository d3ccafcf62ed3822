# Be sure to restart your server when you modify this file.

# This API reads JSON request bodies only. HttpContract::JsonParser (lib/http_contract/json_parser.rb)
# parses them and refuses bytes that are not UTF-8 and unpaired UTF-16 surrogates; form and
# multipart bodies are never parsed, so an action that reads a body answers them with 415
# (JsonBody#require_json_body) rather than failing on a form it cannot read.
ActionDispatch::Request.parameter_parsers = {
  json: HttpContract::JsonParser.method(:parse),
  url_encoded_form: ->(_raw_post) { {} },
  multipart_form: ->(_raw_post) { {} }
}
