class Item < ApplicationRecord
  normalizes :name, with: ->(name) { name.strip }

  validates :name, presence: true, length: { maximum: 100 }
  validates :description, length: { maximum: 1000 }
  validates :name, :description, format: { without: /\u0000/, message: "must not contain the NUL character" }, allow_nil: true

  scope :page, ->(limit:, offset:) { order(:id).limit(limit).offset(offset) }
end
